//! Settlement of signed orders: verify both ADR-36 signatures, the limits and fill state,
//! move the position and the quote between the two accounts, charge fees, then require both
//! accounts to be at or above initial margin (callbacks after the fill).
//!
//! Quote accounting: the buyer's settlement balance pays `size × price`, the seller's
//! receives it; the position keeps its average entry for reports. Every transfer rounds
//! against the trader (pay up, receive down) and the rounding goes to the fee pot, so
//! token balances always equal Σ settlement balances + fees exactly.

use cosmwasm_std::{
    Addr, Decimal, DepsMut, Env, HexBinary, Int128, MessageInfo, Response, SignedDecimal, Storage,
    Uint128,
};

use ballast_risk::model::Instrument;
use ballast_types::clearinghouse::{AccountMode, MarketConfig, SignedOrder};
use ballast_types::order::{verify_order, Order, Side};

use crate::error::{ContractError, ContractResult};
use crate::execute::callback::assert_initial_margin;
use crate::funding::with_trade;
use crate::ledger::{self, MarketCash};
use crate::margin::{decimal, Snapshot};
use crate::state::{
    Position, ACCOUNTS, CANCELLED, CONFIG, FEES, FILLED, FUNDING, MARKETS, MAX_POSITIONS,
    MIN_NONCE, OPEN_INTEREST, POSITIONS,
};

/// The bech32 prefix of this chain, read off the contract's own address.
fn bech32_prefix(env: &Env) -> String {
    let a = env.contract.address.as_str();
    a.rfind('1').map(|i| a[..i].to_string()).unwrap_or_default()
}

/// Checks one order's signature, deployment, expiry, cancellation and nonce; returns its
/// hash and the owner's address.
fn check_order(
    deps: &DepsMut,
    env: &Env,
    signed: &SignedOrder,
) -> ContractResult<([u8; 32], Addr)> {
    let o = &signed.order;
    let owner = deps.api.addr_validate(&o.owner)?;
    let account = ACCOUNTS
        .may_load(deps.storage, (&owner, o.sub_id))?
        .ok_or_else(|| ContractError::NoAccount {
            owner: o.owner.clone(),
            sub_id: o.sub_id,
        })?;
    let hash = verify_order(
        deps.api,
        o,
        &signed.pubkey,
        &signed.signature,
        &bech32_prefix(env),
        account.agent.as_ref().map(Addr::as_str),
    )?;
    if o.chain_id != env.block.chain_id {
        return Err(ContractError::WrongChain {
            signed_for: o.chain_id.clone(),
            chain: env.block.chain_id.clone(),
        });
    }
    if o.contract != env.contract.address.as_str() {
        return Err(ContractError::WrongContract {
            signed_for: o.contract.clone(),
        });
    }
    if o.expiry <= env.block.time.seconds() {
        return Err(ContractError::OrderExpired {
            expiry: o.expiry,
            now: env.block.time.seconds(),
        });
    }
    crate::ledger::ensure_not_frozen(deps.storage, &owner, o.sub_id)?;
    if let AccountMode::Isolated { market } = &account.mode {
        if *market != o.market {
            return Err(ContractError::IsolatedElsewhere {
                market: market.clone(),
                traded: o.market.clone(),
            });
        }
    }
    if CANCELLED.has(deps.storage, &hash) {
        return Err(ContractError::OrderCancelled {
            hash: HexBinary::from(hash).to_hex(),
        });
    }
    let min_nonce = MIN_NONCE
        .may_load(deps.storage, (&owner, o.sub_id))?
        .unwrap_or(0);
    if o.nonce < min_nonce {
        return Err(ContractError::NonceTooLow {
            nonce: o.nonce,
            min_nonce,
        });
    }
    Ok((hash, owner))
}

fn multiple_of(x: Decimal, step: Decimal) -> bool {
    !step.is_zero() && x.atomics().u128().is_multiple_of(step.atomics().u128())
}

fn check_market(
    storage: &dyn Storage,
    env: &Env,
    id: &str,
    size: Decimal,
    price: Decimal,
) -> ContractResult<MarketConfig> {
    let m = MARKETS
        .may_load(storage, id)?
        .ok_or_else(|| ContractError::NotListed {
            kind: "market",
            id: id.to_string(),
        })?;
    if let Instrument::Future { expiry } | Instrument::Option { expiry, .. } = m.instrument {
        if expiry <= env.block.time.seconds() {
            return Err(ContractError::MarketExpired {
                market: id.to_string(),
                expiry,
            });
        }
    }
    if size.is_zero() || price.is_zero() {
        return Err(ContractError::ZeroSizeOrPrice {});
    }
    if !multiple_of(size, m.lot_size) {
        return Err(ContractError::OffLot {
            size: size.to_string(),
            lot: m.lot_size.to_string(),
        });
    }
    if !multiple_of(price, m.tick_size) {
        return Err(ContractError::OffTick {
            price: price.to_string(),
            tick: m.tick_size.to_string(),
        });
    }
    Ok(m)
}

/// Records `size` more filled on the order; refuses an overfill.
fn fill(
    storage: &mut dyn Storage,
    hash: &[u8; 32],
    order: &Order,
    size: Decimal,
) -> ContractResult<()> {
    let filled = FILLED.may_load(storage, hash)?.unwrap_or_default();
    let after = filled
        .checked_add(size)
        .map_err(|_| ContractError::Overflow("fill"))?;
    if after > order.size {
        return Err(ContractError::Overfill {
            order_size: order.size.to_string(),
            filled: filled.to_string(),
            fill: size.to_string(),
        });
    }
    FILLED.save(storage, hash, &after)?;
    Ok(())
}

/// The position after a fill of signed size `q` at `price` (base units per unit); its
/// funding index is the old one (the caller sets it).
pub fn next_position(
    old: Option<Position>,
    q: SignedDecimal,
    price: SignedDecimal,
) -> ContractResult<Option<Position>> {
    let of = |_| ContractError::Overflow("position");
    let (s, e) = old
        .map(|p| (p.size, p.entry_price))
        .unwrap_or((SignedDecimal::zero(), SignedDecimal::zero()));
    let size = s.checked_add(q).map_err(of)?;
    if size.is_zero() {
        return Ok(None);
    }
    let entry = if s.is_zero() || s.is_negative() == q.is_negative() {
        // Adding: weighted average of the old entry and this price.
        let cost = s
            .checked_mul(e)
            .map_err(of)?
            .checked_add(q.checked_mul(price).map_err(of)?)
            .map_err(of)?;
        cost.checked_div(size)
            .map_err(|_| ContractError::Overflow("entry"))?
    } else if size.is_negative() == s.is_negative() {
        e // reducing keeps the entry
    } else {
        price // flipping opens the remainder at this price
    };
    Ok(Some(Position {
        size,
        entry_price: entry,
        funding_index: SignedDecimal::zero(),
    }))
}

/// Refuses a new position for an account already at `MAX_POSITIONS` (a bounded count).
pub fn ensure_room_for(storage: &dyn Storage, owner: &Addr, sub_id: u32) -> ContractResult<()> {
    let n = POSITIONS
        .prefix((owner, sub_id))
        .keys(storage, None, None, cosmwasm_std::Order::Ascending)
        .take(MAX_POSITIONS)
        .count();
    if n >= MAX_POSITIONS {
        return Err(ContractError::TooManyPositions {
            owner: owner.to_string(),
            sub_id,
            max: MAX_POSITIONS,
        });
    }
    Ok(())
}

/// Refuses a fill price further from the mark than the market's band: |price − mark| ≤
/// band × index, in base units (the mark of a perp or future is the index; of an option its
/// Black-76 value). `s` is a snapshot holding the market at index 0.
fn check_band(s: &Snapshot, band: Decimal, price: SignedDecimal) -> ContractResult<()> {
    let of = |_| ContractError::Overflow("band");
    let mark = s.position_value(0, SignedDecimal::one())?;
    let half = s.index(0).checked_mul(decimal(band)?).map_err(of)?;
    let (low, high) = (
        mark.checked_sub(half).map_err(of)?,
        mark.checked_add(half).map_err(of)?,
    );
    if price < low || price > high {
        return Err(ContractError::OutsideBand {
            price: price.to_string(),
            low: low.to_string(),
            high: high.to_string(),
        });
    }
    Ok(())
}

fn to_int(u: Uint128) -> ContractResult<Int128> {
    Int128::try_from(u).map_err(|_| ContractError::Overflow("amount"))
}

pub fn settle_match(
    mut deps: DepsMut,
    env: Env,
    _info: MessageInfo,
    maker: SignedOrder,
    taker: SignedOrder,
    size: Decimal,
    price: Decimal,
) -> ContractResult<Response> {
    let (maker_hash, maker_owner) = check_order(&deps, &env, &maker)?;
    let (taker_hash, taker_owner) = check_order(&deps, &env, &taker)?;
    let (mo, to) = (&maker.order, &taker.order);
    if mo.market != to.market {
        return Err(ContractError::MarketMismatch {});
    }
    if mo.side == to.side {
        return Err(ContractError::SameSide {});
    }
    if maker_owner == taker_owner {
        return Err(ContractError::SelfTrade {
            owner: maker_owner.to_string(),
        });
    }
    let market = check_market(deps.storage, &env, &mo.market, size, price)?;
    let (buy, sell) = if mo.side == Side::Buy {
        (mo, to)
    } else {
        (to, mo)
    };
    if buy.limit_price < price || sell.limit_price > price {
        return Err(ContractError::NotCrossing {
            buy_limit: buy.limit_price.to_string(),
            sell_limit: sell.limit_price.to_string(),
            price: price.to_string(),
        });
    }
    fill(deps.storage, &maker_hash, mo, size)?;
    fill(deps.storage, &taker_hash, to, size)?;

    // Funding accrues to now (perps) before any position changes size; the market's index
    // and mark come from one oracle query.
    let config = CONFIG.load(deps.storage)?;
    let s = Snapshot::build(
        deps.as_ref(),
        &env,
        config.clone(),
        AccountMode::Cross,
        Int128::zero(),
        vec![],
        vec![],
        Some(&mo.market),
    )?;
    let cash = s.cash_of(0).ok_or(ContractError::Overflow("market"))?;
    ledger::save_cash(&mut deps, &mo.market, cash)?;
    let cumulative = match &cash {
        MarketCash::Perp { funding, .. } => funding.cumulative,
        _ => SignedDecimal::zero(),
    };

    // Money: notional in settlement base units; the buyer pays it rounded up, the seller
    // receives it rounded down; fees round up. All rounding goes to the fee pot.
    let scale = Decimal::from_ratio(10u128.pow(config.settlement_decimals as u32), 1u128);
    let notional = size
        .checked_mul(price)
        .and_then(|n| n.checked_mul(scale))
        .map_err(|_| ContractError::Overflow("notional"))?;
    let pay = notional.to_uint_ceil();
    let receive = notional.to_uint_floor();
    let fee = |rate: Decimal| {
        notional
            .checked_mul(rate)
            .map(|f| f.to_uint_ceil())
            .map_err(|_| ContractError::Overflow("fee"))
    };
    let (maker_fee, taker_fee) = (fee(market.maker_fee)?, fee(market.taker_fee)?);
    let base_price = price
        .checked_mul(scale)
        .ok()
        .and_then(|p| SignedDecimal::try_from(p).ok())
        .ok_or(ContractError::Overflow("price"))?;
    let q = SignedDecimal::try_from(size).map_err(|_| ContractError::Overflow("size"))?;
    check_band(&s, market.price_band, base_price)?;

    let oi_before = OPEN_INTEREST
        .may_load(deps.storage, &mo.market)?
        .unwrap_or_default();
    let mut oi = oi_before;
    for (order, owner, fee) in [(mo, &maker_owner, maker_fee), (to, &taker_owner, taker_fee)] {
        let id = order.market.as_str();
        // Funding owed so far settles at the old size.
        ledger::settle_position(
            deps.storage,
            &config,
            owner,
            order.sub_id,
            id,
            &market,
            cash,
        )?;
        let old = POSITIONS.may_load(deps.storage, (owner, order.sub_id, id))?;
        let signed_q = if order.side == Side::Buy { q } else { -q };
        let new = next_position(old.clone(), signed_q, base_price)?.map(|p| Position {
            funding_index: cumulative,
            ..p
        });
        if old.is_none() {
            ensure_room_for(deps.storage, owner, order.sub_id)?;
        }
        oi = ledger::save_position(
            deps.storage,
            owner,
            order.sub_id,
            id,
            old.as_ref(),
            new.as_ref(),
        )?;
        let flow = if order.side == Side::Buy {
            -to_int(pay)?
        } else {
            to_int(receive)?
        };
        let delta = flow
            .checked_sub(to_int(fee)?)
            .map_err(|_| ContractError::Overflow("settlement"))?;
        ledger::add_settlement(deps.storage, owner, order.sub_id, delta)?;
    }
    // The cap refuses only trades that raise open interest: one lowered below what is
    // open never blocks a trade that reduces it.
    if oi > market.oi_cap && oi > oi_before {
        return Err(ContractError::OpenInterestCap {
            market: mo.market.clone(),
            open_interest: oi.to_string(),
            cap: market.oi_cap.to_string(),
        });
    }
    if let MarketCash::Perp { funding, index } = &cash {
        let f = with_trade(funding, &config.funding, price, *index, notional)?;
        FUNDING.save(deps.storage, &mo.market, &f)?;
    }
    // pay ≥ receive: the ceiling and the floor of the same notional.
    let collected = (pay - receive)
        .checked_add(maker_fee)
        .and_then(|c| c.checked_add(taker_fee))
        .map_err(|_| ContractError::Overflow("fees"))?;
    let fees = FEES.may_load(deps.storage)?.unwrap_or_default();
    FEES.save(
        deps.storage,
        &fees
            .checked_add(collected)
            .map_err(|_| ContractError::Overflow("fees"))?,
    )?;

    let check = |owner: &Addr, sub_id: u32| assert_initial_margin(&env, owner, sub_id);
    Ok(Response::new()
        .add_message(check(&maker_owner, mo.sub_id)?)
        .add_message(check(&taker_owner, to.sub_id)?)
        .add_attribute("action", "settle_match")
        .add_attribute("market", mo.market.clone())
        .add_attribute("size", size.to_string())
        .add_attribute("price", price.to_string())
        .add_attribute("maker", format!("{}/{}", maker_owner, mo.sub_id))
        .add_attribute("taker", format!("{}/{}", taker_owner, to.sub_id))
        .add_attribute("maker_fee", maker_fee)
        .add_attribute("taker_fee", taker_fee)
        .add_attribute("maker_order", HexBinary::from(maker_hash).to_hex())
        .add_attribute("taker_order", HexBinary::from(taker_hash).to_hex()))
}

/// The order's owner, or the agent of the order's account, cancels it (an agent can revoke
/// what it signed).
pub fn cancel_order(deps: DepsMut, info: MessageInfo, order: Order) -> ContractResult<Response> {
    if order.owner != info.sender.as_str() {
        let owner = deps.api.addr_validate(&order.owner)?;
        let agent = ACCOUNTS
            .may_load(deps.storage, (&owner, order.sub_id))?
            .and_then(|a| a.agent);
        if agent.as_ref() != Some(&info.sender) {
            return Err(ContractError::Unauthorized {});
        }
    }
    let hash = order.hash();
    CANCELLED.save(deps.storage, &hash, &true)?;
    Ok(Response::new()
        .add_attribute("action", "cancel_order")
        .add_attribute("order", HexBinary::from(hash).to_hex()))
}

pub fn set_min_nonce(
    deps: DepsMut,
    info: MessageInfo,
    sub_id: u32,
    min_nonce: u64,
) -> ContractResult<Response> {
    let current = MIN_NONCE
        .may_load(deps.storage, (&info.sender, sub_id))?
        .unwrap_or(0);
    if min_nonce <= current {
        return Err(ContractError::NonceNotRaised {
            current,
            requested: min_nonce,
        });
    }
    MIN_NONCE.save(deps.storage, (&info.sender, sub_id), &min_nonce)?;
    Ok(Response::new()
        .add_attribute("action", "set_min_nonce")
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("min_nonce", min_nonce.to_string()))
}
