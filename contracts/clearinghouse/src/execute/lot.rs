//! Lots after liquidation: what they are worth, and the auction's takes of them.
//!
//! A lot stays in the liquidated account, frozen, until bidders take it, so its risk and
//! its proceeds stay with the account. Before every valuation and take the lot is trimmed to
//! what the account still holds (a position settled at expiry meanwhile has become the
//! account's cash and leaves the lot), and a take is priced on exactly what moves.

use cosmwasm_std::{
    to_json_binary, Addr, Decimal, Deps, DepsMut, Env, Int128, MessageInfo, Response,
    SignedDecimal, Uint128,
};

use ballast_types::clearinghouse::{AccountMode, FillTerms, MarketConfig};
use ballast_types::liquidation::{AccountRef, Filled, LotValue};

use crate::error::{ContractError, ContractResult};
use crate::execute::callback::assert_initial_margin;
use crate::execute::deficit::{ensure_liquidator, unrecorded_deficit};
use crate::execute::liquidate::{abs, add, part_value, Part};
use crate::execute::trade::{ensure_room_for, next_position};
use crate::ledger::{self, MarketCash};
use crate::margin::{decimal, units, Snapshot};
use crate::state::{Config, Lot, Position, ACCOUNTS, CONFIG, FROZEN, LOSSES, LOTS, POSITIONS};

/// `size` × `fraction` in whole lots of `lot` (the market's lot size), its magnitude rounded
/// up (capped at |size|) or down. Orders trade whole lots only, so positions are cut in whole
/// lots too: what liquidation leaves an account, and what a bidder or a deleveraged
/// counterparty receives, can always be closed with an order.
pub fn in_lots(
    lot: Decimal,
    size: SignedDecimal,
    fraction: SignedDecimal,
    up: bool,
) -> ContractResult<SignedDecimal> {
    let whole = size.abs_diff(SignedDecimal::zero());
    let lots = size
        .checked_mul(fraction)
        .map_err(|_| ContractError::Overflow("size"))?
        .abs_diff(SignedDecimal::zero())
        .checked_div(lot)
        .map_err(|_| ContractError::Overflow("lots"))?;
    let lots = if up { lots.ceil() } else { lots.floor() };
    let magnitude = decimal(
        lots.checked_mul(lot)
            .map_err(|_| ContractError::Overflow("lots"))?
            .min(whole),
    )?;
    Ok(if size.is_negative() {
        -magnitude
    } else {
        magnitude
    })
}

/// The lot's items as parts of the account's snapshot, trimmed to what the account holds:
/// a position gone (settled at expiry) or flipped counts zero, a smaller one caps it; the
/// same for collateral. The lot is updated to match.
pub fn reconcile(s: &Snapshot, lot: &mut Lot) -> Vec<Option<Part>> {
    let mut parts = vec![];
    for p in lot.positions.iter_mut() {
        let part = s.position_index(&p.market).and_then(|i| {
            let held = s.held[i].position.size;
            if held.is_zero() || held.is_negative() != p.size.is_negative() {
                return None;
            }
            if held.abs_diff(SignedDecimal::zero()) < p.size.abs_diff(SignedDecimal::zero()) {
                p.size = held;
            }
            Some(Part::Position(i, p.size))
        });
        if part.is_none() {
            p.size = SignedDecimal::zero();
        }
        parts.push(part);
    }
    for c in lot.collateral.iter_mut() {
        let part = s.holdings.iter().position(|(id, _)| *id == c.collateral);
        c.amount = part
            .map(|j| c.amount.min(s.holdings[j].1))
            .unwrap_or_default();
        parts.push(part.map(|j| Part::Collateral(j, c.amount)));
    }
    parts
}

/// What the lot (as the account still holds it) is worth now, on the account's snapshot.
pub fn lot_value(s: &Snapshot, lot: &Lot) -> ContractResult<LotValue> {
    let mut lot = lot.clone();
    let parts = reconcile(s, &mut lot);
    let (mut value, mut gross) = (SignedDecimal::zero(), SignedDecimal::zero());
    let mut positions = Vec::with_capacity(lot.positions.len());
    for (k, part) in parts.iter().enumerate() {
        let v = match part {
            Some(p) => part_value(s, p)?,
            None => SignedDecimal::zero(),
        };
        (value, gross) = (add(value, v)?, add(gross, abs(v)?)?);
        if k < lot.positions.len() {
            positions.push(v);
        }
    }
    Ok(LotValue {
        value,
        gross,
        positions,
    })
}

/// The lot as the account holds it now and its value (for queries).
pub fn lot_now(deps: Deps, env: &Env, lot: &mut Lot) -> ContractResult<LotValue> {
    let s = Snapshot::load(deps, env, &lot.owner, lot.sub_id, None)?;
    reconcile(&s, lot);
    lot_value(&s, lot)
}

pub fn open_lot(deps: Deps, id: u64) -> ContractResult<Lot> {
    match LOTS.may_load(deps.storage, id)? {
        Some(lot) if lot.open => Ok(lot),
        _ => Err(ContractError::LotClosed { lot: id }),
    }
}

fn neg(x: Int128) -> ContractResult<Int128> {
    Int128::zero()
        .checked_sub(x)
        .map_err(|_| ContractError::Overflow("payment"))
}

pub fn auction_fill(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
    bidder: AccountRef,
    fraction: Decimal,
    terms: FillTerms,
) -> ContractResult<Response> {
    ensure_liquidator(&CONFIG.load(deps.storage)?, &info.sender)?;
    let mut lot = open_lot(deps.as_ref(), id)?;
    if fraction.is_zero() || fraction > Decimal::one() {
        return Err(ContractError::BadFraction {
            fraction: fraction.to_string(),
        });
    }
    let to = deps.api.addr_validate(&bidder.owner)?;
    let to_sub = bidder.sub_id;
    if to == lot.owner && to_sub == lot.sub_id {
        return Err(ContractError::SelfBid {});
    }
    let bidder_account = ACCOUNTS
        .may_load(deps.storage, (&to, to_sub))?
        .ok_or_else(|| ContractError::NoAccount {
            owner: to.to_string(),
            sub_id: to_sub,
        })?;
    if let Some(frozen) = FROZEN.may_load(deps.storage, (&to, to_sub))? {
        return Err(ContractError::Frozen { lot: frozen });
    }
    // Everything the account owes or is owed settles first, so its balance is exact and the
    // lot holds only what is still there.
    let s = Snapshot::settle(&mut deps, &env, &lot.owner, lot.sub_id)?;
    let parts = reconcile(&s, &mut lot);
    let (factor, max_price) = match terms {
        FillTerms::Bid { factor, max_price } => (factor, max_price),
        FillTerms::Deleverage { market, premium } => {
            let bidder = (&to, to_sub);
            let frac = decimal(fraction)?;
            return deleverage_fill(
                deps, &env, &s, id, lot, parts, bidder, market, frac, premium,
            );
        }
    };
    // The auction's curves run from buf ≤ 2 down to a cusp > 0.
    if factor.is_zero() || factor > Decimal::percent(200) {
        return Err(ContractError::InvalidConfig {
            what: "auction factor".into(),
            reason: format!("{factor} is outside (0, 2]"),
        });
    }
    // (1 − factor): the discount on gross value; negative above the mark.
    let off = SignedDecimal::one()
        .checked_sub(decimal(factor)?)
        .map_err(|_| ContractError::Overflow("factor"))?;
    let price = |value: SignedDecimal, gross: SignedDecimal| -> ContractResult<SignedDecimal> {
        gross
            .checked_mul(off)
            .and_then(|d| value.checked_sub(d))
            .map_err(|_| ContractError::Overflow("price"))
    };
    let whole = lot_value(&s, &lot)?;
    let whole_price = price(whole.value, whole.gross)?;
    if whole_price > max_price {
        return Err(ContractError::AboveMaxPrice {
            price: whole_price.to_string(),
            max_price: max_price.to_string(),
        });
    }
    let all = fraction == Decimal::one();
    let frac = decimal(fraction)?;
    let from = (&lot.owner.clone(), lot.sub_id);
    let (mut value, mut gross) = (SignedDecimal::zero(), SignedDecimal::zero());
    // (index in the lot's items, what moves of it)
    let mut moves = vec![];
    for (k, part) in parts.into_iter().enumerate() {
        let Some(part) = part else { continue };
        // Whole lots and whole base units, rounded down: the last taker gets the rest.
        let take = match part {
            Part::Position(i, size) if !all => {
                let lot_size = s.held[i].market.lot_size;
                Part::Position(i, in_lots(lot_size, size, frac, false)?)
            }
            Part::Collateral(j, amount) if !all => Part::Collateral(j, amount.mul_floor(fraction)),
            whole => whole,
        };
        let v = part_value(&s, &take)?;
        (value, gross) = (add(value, v)?, add(gross, abs(v)?)?);
        let moves_something = match take {
            Part::Position(_, size) => !size.is_zero(),
            Part::Collateral(_, amount) => !amount.is_zero(),
        };
        if moves_something {
            moves.push((k, take));
        }
    }
    // A partial take that moves nothing would pay for nothing; a whole take always closes
    // the lot (an emptied one for nothing).
    if !all && moves.is_empty() {
        return Err(ContractError::NothingMoves {});
    }
    // The bidder pays the ceiling of what moves (or receives the floor of it).
    let payment = price(value, gross)?.to_int_ceil();
    let np = lot.positions.len();
    for (k, take) in moves {
        match take {
            Part::Position(i, size) => {
                let h = &s.held[i];
                if let AccountMode::Isolated { market } = &bidder_account.mode {
                    if *market != h.id {
                        return Err(ContractError::IsolatedElsewhere {
                            market: market.clone(),
                            traded: h.id.clone(),
                        });
                    }
                }
                let cash = s.cash_of(i).ok_or(ContractError::Overflow("market"))?;
                let to = (&to, to_sub);
                move_position(&mut deps, &s.config, &h.id, &h.market, cash, from, to, size)?;
                let item = &mut lot.positions[k];
                item.size = item
                    .size
                    .checked_sub(size)
                    .map_err(|_| ContractError::Overflow("size"))?;
            }
            Part::Collateral(j, amount) => {
                let id = &s.holdings[j].0;
                ledger::move_collateral(deps.storage, from, (&to, to_sub), id, amount)?;
                let item = &mut lot.collateral[k - np];
                item.amount = item.amount.saturating_sub(amount);
            }
        }
    }
    ledger::add_settlement(deps.storage, from.0, from.1, payment)?;
    ledger::add_settlement(deps.storage, &to, to_sub, neg(payment)?)?;
    let response = Response::new()
        .add_message(assert_initial_margin(&env, &to, to_sub)?)
        .add_attribute("action", "auction_fill")
        .add_attribute("lot", id.to_string())
        .add_attribute("bidder", format!("{to}/{to_sub}"))
        .add_attribute("fraction", fraction.to_string())
        .add_attribute("mark_value", value.to_string())
        .add_attribute("gross_value", gross.to_string())
        .add_attribute("payment", payment.to_string());
    let deficit = match all {
        true => close_lot(&mut deps, &mut lot)?,
        false => Uint128::zero(),
    };
    LOTS.save(deps.storage, id, &lot)?;
    Ok(response.set_data(to_json_binary(&Filled { payment, deficit })?))
}

/// Auto-deleveraging: the bidder's opposite position in `market` absorbs as much of
/// `fraction` of the lot's position there as it can, and pays its mark value plus `premium`
/// — its share of the deficit the insurance pool cannot cover, computed by the auction. The
/// mark value is rounded down here (the one place a payment rounds against the protocol:
/// with the premium also rounded down, a counterparty can never be charged more than the
/// deficit; the < 1 unit per take stays with the deficit). Checked: the premium is not
/// negative — nobody gains from being deleveraged —, the account's balance plus what
/// remains of its lot at the mark does not rise above zero, and the counterparty's equity
/// stays at or above zero.
#[allow(clippy::too_many_arguments)]
fn deleverage_fill(
    mut deps: DepsMut,
    env: &Env,
    s: &Snapshot,
    id: u64,
    mut lot: Lot,
    parts: Vec<Option<Part>>,
    (to, to_sub): (&Addr, u32),
    market: String,
    fraction: SignedDecimal,
    premium: Int128,
) -> ContractResult<Response> {
    let refuse = || ContractError::DeleveragePremium {
        premium: premium.to_string(),
    };
    if premium.is_negative() {
        return Err(refuse());
    }
    let theirs = POSITIONS
        .may_load(deps.storage, (to, to_sub, market.as_str()))?
        .map(|p| p.size);
    let k = lot.positions.iter().position(|p| p.market == market);
    let (Some(k), Some(theirs)) = (k, theirs) else {
        return Err(ContractError::NotOpposite { market });
    };
    let Some(Part::Position(i, size)) = parts[k] else {
        return Err(ContractError::NotOpposite { market });
    };
    if theirs.is_negative() == size.is_negative() {
        return Err(ContractError::NotOpposite { market });
    }
    let h = &s.held[i];
    let want = if fraction == SignedDecimal::one() {
        size
    } else {
        in_lots(h.market.lot_size, size, fraction, false)?
    };
    let take = if theirs.abs_diff(SignedDecimal::zero()) < want.abs_diff(SignedDecimal::zero()) {
        SignedDecimal::zero()
            .checked_sub(theirs)
            .map_err(|_| ContractError::Overflow("size"))?
    } else {
        want
    };
    let value = s.position_value(i, take)?;
    let payment = value
        .to_int_floor()
        .checked_add(premium)
        .map_err(|_| ContractError::Overflow("payment"))?;
    let cash = s.cash_of(i).ok_or(ContractError::Overflow("market"))?;
    let from = (&lot.owner.clone(), lot.sub_id);
    move_position(
        &mut deps,
        &s.config,
        &market,
        &h.market,
        cash,
        from,
        (to, to_sub),
        take,
    )?;
    let lot_position = &mut lot.positions[k];
    lot_position.size = lot_position
        .size
        .checked_sub(take)
        .map_err(|_| ContractError::Overflow("size"))?;
    ledger::add_settlement(deps.storage, from.0, from.1, payment)?;
    ledger::add_settlement(deps.storage, to, to_sub, neg(payment)?)?;
    // What is left of the account: its balance after the payment plus the lot less what
    // moved (values are linear in size, all at the same snapshot's marks).
    let left = units(s.settlement)?
        .checked_add(units(payment)?)
        .and_then(|x| x.checked_add(lot_value(s, &lot).map(|v| v.value).unwrap_or_default()))
        .map_err(|_| ContractError::Overflow("equity"))?;
    // Nor may it make the counterparty insolvent.
    if left > SignedDecimal::zero()
        || crate::margin::account_report(deps.as_ref(), env, to, to_sub)?.equity
            < SignedDecimal::zero()
    {
        return Err(refuse());
    }
    let socialized = premium.unsigned_abs();
    let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
    losses.deleveraged += 1;
    losses.socialized = losses
        .socialized
        .checked_add(socialized)
        .map_err(|_| ContractError::Overflow("socialized"))?;
    LOSSES.save(deps.storage, &losses)?;
    let response = Response::new()
        .add_attribute("action", "deleverage")
        .add_attribute("lot", id.to_string())
        .add_attribute("counterparty", format!("{to}/{to_sub}"))
        .add_attribute("market", market)
        .add_attribute("size", take.to_string())
        .add_attribute("payment", payment.to_string())
        .add_attribute("socialized", socialized);
    let empty = lot.positions.iter().all(|p| p.size.is_zero())
        && lot.collateral.iter().all(|c| c.amount.is_zero());
    let deficit = match empty {
        true => close_lot(&mut deps, &mut lot)?,
        false => Uint128::zero(),
    };
    LOTS.save(deps.storage, id, &lot)?;
    Ok(response.set_data(to_json_binary(&Filled { payment, deficit })?))
}

/// A lot that is all taken: the account thaws (the caller saves the lot). Returns the
/// deficit it is left with, not yet sent down the waterfall: the liquidator covers it.
pub fn close_lot(deps: &mut DepsMut, lot: &mut Lot) -> ContractResult<Uint128> {
    lot.open = false;
    FROZEN.remove(deps.storage, (&lot.owner, lot.sub_id));
    unrecorded_deficit(deps.storage, &lot.owner, lot.sub_id)
}

/// Moves signed `take` of `market` (whose cash now is `cash`; the giver already settled
/// against it) from one account to the other. The receiver settles what it owes at its old
/// size first; its entry for what it takes is the giver's (the payment that goes with it
/// carries the real price; entries only split equity for display). A receiver that would
/// open a new position must have room for it (`MAX_POSITIONS`).
#[allow(clippy::too_many_arguments)]
pub fn move_position(
    deps: &mut DepsMut,
    config: &Config,
    market: &str,
    m: &MarketConfig,
    cash: &MarketCash,
    (from, from_sub): (&Addr, u32),
    (to, to_sub): (&Addr, u32),
    take: SignedDecimal,
) -> ContractResult<()> {
    ledger::settle_position(deps.storage, config, to, to_sub, market, m, cash)?;
    let old = POSITIONS
        .may_load(deps.storage, (from, from_sub, market))?
        .ok_or(ContractError::NotOpposite {
            market: market.to_string(),
        })?;
    let left = old
        .size
        .checked_sub(take)
        .map_err(|_| ContractError::Overflow("size"))?;
    let new = (!left.is_zero()).then(|| Position {
        size: left,
        ..old.clone()
    });
    ledger::save_position(
        deps.storage,
        from,
        from_sub,
        market,
        Some(&old),
        new.as_ref(),
    )?;
    let theirs = POSITIONS.may_load(deps.storage, (to, to_sub, market))?;
    if theirs.is_none() {
        ensure_room_for(deps.storage, to, to_sub)?;
    }
    let cumulative = match cash {
        MarketCash::Perp { funding, .. } => funding.cumulative,
        _ => SignedDecimal::zero(),
    };
    let moved = next_position(theirs.clone(), take, old.entry_price)?.map(|q| Position {
        funding_index: cumulative,
        ..q
    });
    ledger::save_position(
        deps.storage,
        to,
        to_sub,
        market,
        theirs.as_ref(),
        moved.as_ref(),
    )?;
    Ok(())
}
