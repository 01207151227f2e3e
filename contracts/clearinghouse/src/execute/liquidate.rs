//! Liquidation: choosing the lot, the penalty and the keeper tip, the auction's fills, and
//! the deficit that is left for the insurance pool.
//!
//! The lot stays in the liquidated account, frozen, until bidders take it, so its risk and
//! its proceeds stay with the account; every fill moves a fraction of what remains to the
//! bidder against a payment between the two settlement balances.

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, CosmosMsg, Decimal, Deps, DepsMut, Env, Int128,
    MessageInfo, Order, Response, SignedDecimal, Uint128, WasmMsg,
};
use serde::Serialize;

use ballast_types::clearinghouse::AccountMode;
use ballast_types::liquidation::{
    AccountRef, LiquidationConfig, LotCollateral, LotPosition, LotValue,
};

use crate::error::{ContractError, ContractResult};
use crate::execute::callback::assert_initial_margin;
use crate::execute::trade::next_position;
use crate::ledger::{self, market_cash, oracle_price, MarketCash};
use crate::margin::{account_report, account_report_after, report_for, scale, WhatIf};
use crate::state::{
    Config, Lot, Position, ACCOUNTS, COLLATERALS, CONFIG, FEES, FROZEN, HOLDINGS, LOSSES, LOTS,
    LOT_SEQ, MARKETS, MAX_COLLATERALS, MAX_MARKETS, POSITIONS,
};

/// Bisection steps for the fraction of the last item taken: 2^-7 < 1 % of it too much.
const BISECTION_STEPS: u32 = 7;

pub fn liquidation_config(config: &Config) -> ContractResult<LiquidationConfig> {
    config
        .liquidation
        .clone()
        .ok_or(ContractError::LiquidationNotConfigured {})
}

/// A candidate part of the account.
#[derive(Clone)]
enum Part {
    Position(String, SignedDecimal),
    Collateral(String, Uint128),
}

/// Mark value of `size` of `market` now (settlement base units), without the account's
/// pending funding: the engine's equity of an account holding only that.
pub fn position_value(
    deps: Deps,
    env: &Env,
    config: &Config,
    market: &str,
    size: SignedDecimal,
) -> ContractResult<SignedDecimal> {
    let m = MARKETS.load(deps.storage, market)?;
    let funding_index = match market_cash(deps, env, config, market, &m)? {
        MarketCash::Perp { funding, .. } => funding.cumulative,
        _ => SignedDecimal::zero(),
    };
    let p = Position {
        size,
        entry_price: SignedDecimal::zero(),
        funding_index,
    };
    let r = report_for(
        deps,
        env,
        config.clone(),
        &AccountMode::Cross,
        Int128::zero(),
        vec![],
        vec![(market.to_string(), p)],
    )?;
    Ok(r.equity)
}

/// Market value of `amount` of collateral `id` now (unweighted, settlement base units).
pub fn collateral_value(
    deps: Deps,
    config: &Config,
    id: &str,
    amount: Uint128,
) -> ContractResult<SignedDecimal> {
    let c = COLLATERALS.load(deps.storage, id)?;
    let price = oracle_price(deps, &config.oracle, &c.oracle_asset)?;
    let amount = SignedDecimal::from_atomics(
        Int128::try_from(amount).map_err(|_| ContractError::Overflow("amount"))?,
        0,
    )
    .map_err(|_| ContractError::Overflow("amount"))?;
    crate::margin::decimal(price)?
        .checked_mul(scale(config.settlement_decimals, c.decimals))
        .and_then(|p| p.checked_mul(amount))
        .map_err(|_| ContractError::Overflow("collateral value"))
}

fn part_value(
    deps: Deps,
    env: &Env,
    config: &Config,
    part: &Part,
) -> ContractResult<SignedDecimal> {
    match part {
        Part::Position(m, size) => position_value(deps, env, config, m, *size),
        Part::Collateral(id, amount) => collateral_value(deps, config, id, *amount),
    }
}

/// `size` × `fraction` in whole lots of `market`, its magnitude rounded up (capped at
/// |size|) or down. Orders trade whole lots only, so positions are cut in whole lots too:
/// what liquidation leaves an account, and what a bidder or a deleveraged counterparty
/// receives, can always be closed with an order (a position of 1 lot stays 1 lot).
fn in_lots(
    deps: Deps,
    market: &str,
    size: SignedDecimal,
    fraction: SignedDecimal,
    up: bool,
) -> ContractResult<SignedDecimal> {
    let lot = MARKETS.load(deps.storage, market)?.lot_size;
    let whole = size.abs_diff(SignedDecimal::zero());
    let exact = size
        .checked_mul(fraction)
        .map_err(|_| ContractError::Overflow("size"))?
        .abs_diff(SignedDecimal::zero());
    let lots = exact
        .checked_div(lot)
        .map_err(|_| ContractError::Overflow("lots"))?;
    let lots = if up { lots.ceil() } else { lots.floor() };
    let magnitude = lots
        .checked_mul(lot)
        .map_err(|_| ContractError::Overflow("lots"))?
        .min(whole);
    let magnitude = crate::margin::decimal(magnitude)?;
    Ok(if size.is_negative() {
        -magnitude
    } else {
        magnitude
    })
}

/// `fraction` of a part (positions rounded up to whole lots, collateral rounded up: the lot
/// never holds less than the fraction says).
fn scaled(deps: Deps, part: &Part, fraction: Decimal) -> ContractResult<Part> {
    Ok(match part {
        Part::Position(m, size) => Part::Position(
            m.clone(),
            in_lots(deps, m, *size, crate::margin::decimal(fraction)?, true)?,
        ),
        Part::Collateral(id, amount) => {
            Part::Collateral(id.clone(), amount.mul_ceil(fraction).min(*amount))
        }
    })
}

/// Initial margin of the account without `parts`.
fn im_without(
    deps: Deps,
    env: &Env,
    owner: &Addr,
    sub_id: u32,
    parts: &[Part],
) -> ContractResult<SignedDecimal> {
    let (mut positions, mut collateral) = (vec![], vec![]);
    for p in parts {
        match p {
            Part::Position(m, s) => positions.push((m.clone(), *s)),
            Part::Collateral(id, a) => collateral.push((id.clone(), *a)),
        }
    }
    let what = WhatIf::Remove {
        positions: &positions,
        collateral: &collateral,
    };
    Ok(account_report_after(deps, env, owner, sub_id, Some(what))?.initial_margin)
}

/// The penalty on a lot of gross value `gross`: the rate, but never less than the tip.
fn penalty(liq: &LiquidationConfig, gross: SignedDecimal) -> ContractResult<Uint128> {
    let rate = Decimal::try_from(gross.max(SignedDecimal::zero()))
        .map_err(|_| ContractError::Overflow("gross"))?
        .checked_mul(liq.penalty)
        .map_err(|_| ContractError::Overflow("penalty"))?
        .to_uint_ceil();
    Ok(rate.max(liq.keeper_tip))
}

/// The smallest part of the account that leaves it at or above initial margin if sold at
/// the mark less `sizing_discount` with the penalty paid, taking the parts that cut initial margin the most per
/// unit of value first; everything when nothing less does. Returns the parts and their
/// gross value.
fn choose_lot(
    deps: Deps,
    env: &Env,
    config: &Config,
    liq: &LiquidationConfig,
    owner: &Addr,
    sub_id: u32,
    equity: SignedDecimal,
    im: SignedDecimal,
) -> ContractResult<(Vec<Part>, SignedDecimal)> {
    let mut parts: Vec<Part> = POSITIONS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_MARKETS)
        .map(|r| r.map(|(m, p)| Part::Position(m, p.size)))
        .collect::<Result<_, _>>()?;
    let holdings: Vec<(String, Uint128)> = HOLDINGS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_COLLATERALS)
        .collect::<Result<_, _>>()?;
    parts.extend(holdings.into_iter().map(|(id, a)| Part::Collateral(id, a)));
    // Rank: initial margin released per unit of gross value, largest first.
    let mut ranked = vec![];
    for part in parts {
        let value = part_value(deps, env, config, &part)?.abs_diff(SignedDecimal::zero());
        let value = SignedDecimal::try_from(value).map_err(|_| ContractError::Overflow("value"))?;
        let released = im
            .checked_sub(im_without(
                deps,
                env,
                owner,
                sub_id,
                std::slice::from_ref(&part),
            )?)
            .map_err(|_| ContractError::Overflow("margin"))?;
        let per_unit = if value.is_zero() {
            SignedDecimal::zero()
        } else {
            released
                .checked_div(value)
                .map_err(|_| ContractError::Overflow("rank"))?
        };
        ranked.push((per_unit, part, value));
    }
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));

    let passes = |taken: &[Part], gross: SignedDecimal| -> ContractResult<bool> {
        let fee = SignedDecimal::from_atomics(
            Int128::try_from(penalty(liq, gross)?)
                .map_err(|_| ContractError::Overflow("penalty"))?,
            0,
        )
        .map_err(|_| ContractError::Overflow("penalty"))?;
        // The auction is expected to clear below the mark: size the lot for that too.
        let discount = gross
            .checked_mul(crate::margin::decimal(liq.sizing_discount)?)
            .map_err(|_| ContractError::Overflow("discount"))?;
        let left = equity
            .checked_sub(fee)
            .and_then(|e| e.checked_sub(discount))
            .map_err(|_| ContractError::Overflow("equity"))?;
        Ok(left >= im_without(deps, env, owner, sub_id, taken)?)
    };
    let mut taken: Vec<Part> = vec![];
    let mut gross = SignedDecimal::zero();
    for (_, part, value) in ranked {
        let mut with = taken.clone();
        with.push(part.clone());
        let full_gross = gross
            .checked_add(value)
            .map_err(|_| ContractError::Overflow("gross"))?;
        if passes(&with, full_gross)? {
            // Bisect the smallest passing fraction of this part (the full part passes).
            let (mut lo, mut hi) = (Decimal::zero(), Decimal::one());
            for _ in 0..BISECTION_STEPS {
                let mid = (lo + hi) / Decimal::percent(200);
                let mut trial = taken.clone();
                trial.push(scaled(deps, &part, mid)?);
                let g = gross
                    .checked_add(
                        value
                            .checked_mul(crate::margin::decimal(mid)?)
                            .map_err(|_| ContractError::Overflow("gross"))?,
                    )
                    .map_err(|_| ContractError::Overflow("gross"))?;
                if passes(&trial, g)? {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            taken.push(scaled(deps, &part, hi)?);
            gross = gross
                .checked_add(
                    value
                        .checked_mul(crate::margin::decimal(hi)?)
                        .map_err(|_| ContractError::Overflow("gross"))?,
                )
                .map_err(|_| ContractError::Overflow("gross"))?;
            return Ok((taken, gross));
        }
        taken.push(part);
        gross = full_gross;
    }
    Ok((taken, gross))
}

pub fn liquidate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    sub_id: u32,
) -> ContractResult<Response> {
    let owner = deps.api.addr_validate(&owner)?;
    let config = CONFIG.load(deps.storage)?;
    let liq = liquidation_config(&config)?;
    if let Some(lot) = FROZEN.may_load(deps.storage, (&owner, sub_id))? {
        return Err(ContractError::Frozen { lot });
    }
    // Funding and expiries settle first (this also needs fresh prices: a stale oracle
    // refuses the liquidation rather than acting on an old price).
    ledger::settle_account(&mut deps, &env, &config, &owner, sub_id)?;
    let report = account_report(deps.as_ref(), &env, &owner, sub_id)?;
    if report.equity >= report.maintenance_margin {
        return Err(ContractError::Healthy {
            equity: report.equity.to_string(),
            maintenance: report.maintenance_margin.to_string(),
        });
    }
    let (parts, gross) = choose_lot(
        deps.as_ref(),
        &env,
        &config,
        &liq,
        &owner,
        sub_id,
        report.equity,
        report.initial_margin,
    )?;
    // An account with nothing left but a negative balance has recorded bad debt, not a
    // lot: liquidating it would only pay keeper tips out of the protocol's pocket.
    if parts.is_empty() {
        return Err(ContractError::NothingToLiquidate {});
    }
    let penalty = penalty(&liq, gross)?;
    let tip = liq.keeper_tip;
    ledger::add_settlement(
        deps.storage,
        &owner,
        sub_id,
        -Int128::try_from(penalty).map_err(|_| ContractError::Overflow("penalty"))?,
    )?;
    // The tip leaves as tokens; the rest of the penalty is protocol revenue.
    let fees = FEES.may_load(deps.storage)?.unwrap_or_default();
    FEES.save(
        deps.storage,
        &fees
            .checked_add(penalty - tip)
            .map_err(|_| ContractError::Overflow("fees"))?,
    )?;
    let settlement = ACCOUNTS.load(deps.storage, (&owner, sub_id))?.settlement;
    let debt = if settlement.is_negative() {
        settlement.unsigned_abs()
    } else {
        Uint128::zero()
    };
    let mut lot = Lot {
        owner: owner.clone(),
        sub_id,
        positions: vec![],
        collateral: vec![],
        debt,
        open: true,
    };
    for p in parts {
        match p {
            Part::Position(market, size) if !size.is_zero() => {
                lot.positions.push(LotPosition { market, size })
            }
            Part::Collateral(collateral, amount) if !amount.is_zero() => {
                lot.collateral.push(LotCollateral { collateral, amount })
            }
            _ => {}
        }
    }
    let id = LOT_SEQ.may_load(deps.storage)?.unwrap_or_default() + 1;
    LOT_SEQ.save(deps.storage, &id)?;
    LOTS.save(deps.storage, id, &lot)?;
    FROZEN.save(deps.storage, (&owner, sub_id), &id)?;
    let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
    losses.liquidations += 1;
    losses.penalties = losses
        .penalties
        .checked_add(penalty)
        .map_err(|_| ContractError::Overflow("penalties"))?;
    losses.keeper_tips = losses
        .keeper_tips
        .checked_add(tip)
        .map_err(|_| ContractError::Overflow("tips"))?;
    LOSSES.save(deps.storage, &losses)?;

    let value = lot_value(deps.as_ref(), &env, &config, &lot)?;
    let start = WasmMsg::Execute {
        contract_addr: liq.auction.clone(),
        msg: to_json_binary(&AuctionMsg::StartLot {
            lot: id,
            value: value.value,
            gross: value.gross,
            debt,
        })?,
        funds: vec![],
    };
    let mut response = Response::new()
        .add_message(start)
        .add_attribute("action", "liquidate")
        .add_attribute("owner", owner)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("lot", id.to_string())
        .add_attribute("equity", report.equity.to_string())
        .add_attribute("maintenance_margin", report.maintenance_margin.to_string())
        .add_attribute("lot_value", value.value.to_string())
        .add_attribute("lot_gross", value.gross.to_string())
        .add_attribute("penalty", penalty)
        .add_attribute("keeper_tip", tip)
        .add_attribute("debt", debt);
    if !tip.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(tip, config.settlement_denom)],
        });
    }
    Ok(response)
}

/// What remains of a lot, valued now.
pub fn lot_value(deps: Deps, env: &Env, config: &Config, lot: &Lot) -> ContractResult<LotValue> {
    let (mut value, mut gross) = (SignedDecimal::zero(), SignedDecimal::zero());
    let mut add = |v: SignedDecimal| -> ContractResult<()> {
        let abs = SignedDecimal::try_from(v.abs_diff(SignedDecimal::zero()))
            .map_err(|_| ContractError::Overflow("value"))?;
        value = value
            .checked_add(v)
            .map_err(|_| ContractError::Overflow("value"))?;
        gross = gross
            .checked_add(abs)
            .map_err(|_| ContractError::Overflow("value"))?;
        Ok(())
    };
    let mut positions = Vec::with_capacity(lot.positions.len());
    for p in &lot.positions {
        let v = position_value(deps, env, config, &p.market, p.size)?;
        add(v)?;
        positions.push(v);
    }
    for c in &lot.collateral {
        add(collateral_value(deps, config, &c.collateral, c.amount)?)?;
    }
    Ok(LotValue {
        value,
        gross,
        positions,
    })
}

fn ensure_auction(config: &Config, sender: &Addr) -> ContractResult<LiquidationConfig> {
    let liq = liquidation_config(config)?;
    if sender.as_str() != liq.auction {
        return Err(ContractError::NotAuction {});
    }
    Ok(liq)
}

pub fn open_lot(deps: Deps, id: u64) -> ContractResult<Lot> {
    match LOTS.may_load(deps.storage, id)? {
        Some(lot) if lot.open => Ok(lot),
        _ => Err(ContractError::LotClosed { lot: id }),
    }
}

pub fn auction_fill(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
    bidder: AccountRef,
    fraction: Decimal,
    payment: Int128,
    market: Option<String>,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let liq = ensure_auction(&config, &info.sender)?;
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
    let frac = crate::margin::decimal(fraction)?;
    if let Some(market) = market {
        let bidder = (&to, to_sub);
        return deleverage_fill(
            deps, &env, &config, &liq, id, lot, bidder, market, frac, payment,
        );
    }
    let all = fraction == Decimal::one();
    let from = lot.owner.clone();
    for p in lot.positions.iter_mut() {
        if let AccountMode::Isolated { market } = &bidder_account.mode {
            if *market != p.market {
                return Err(ContractError::IsolatedElsewhere {
                    market: market.clone(),
                    traded: p.market.clone(),
                });
            }
        }
        // Whole lots, rounded down: the last taker gets the rest.
        let take = if all {
            p.size
        } else {
            in_lots(deps.as_ref(), &p.market, p.size, frac, false)?
        };
        if move_position(
            &mut deps,
            &env,
            &config,
            &p.market,
            (&from, lot.sub_id),
            (&to, to_sub),
            take,
        )?
        .is_none()
        {
            // Settled at expiry meanwhile: the cash is already the account's.
            p.size = SignedDecimal::zero();
            continue;
        }
        p.size = p
            .size
            .checked_sub(take)
            .map_err(|_| ContractError::Overflow("size"))?;
    }
    for c in lot.collateral.iter_mut() {
        // Rounded down: the lot keeps any dust for the last taker.
        let take = if all {
            c.amount
        } else {
            c.amount.mul_floor(fraction)
        };
        if !take.is_zero() {
            ledger::debit_collateral(deps.storage, &from, lot.sub_id, &c.collateral, take)?;
            ledger::credit_collateral(deps.storage, &to, to_sub, &c.collateral, take)?;
        }
        c.amount -= take;
    }
    ledger::add_settlement(deps.storage, &from, lot.sub_id, payment)?;
    ledger::add_settlement(
        deps.storage,
        &to,
        to_sub,
        Int128::zero()
            .checked_sub(payment)
            .map_err(|_| ContractError::Overflow("payment"))?,
    )?;
    let mut response = Response::new()
        .add_message(assert_initial_margin(&env, &to, to_sub)?)
        .add_attribute("action", "auction_fill")
        .add_attribute("lot", id.to_string())
        .add_attribute("bidder", format!("{to}/{to_sub}"))
        .add_attribute("fraction", fraction.to_string())
        .add_attribute("payment", payment.to_string());
    if all {
        response = close_lot(&mut deps, &liq, &mut lot, response)?;
    }
    LOTS.save(deps.storage, id, &lot)?;
    Ok(response)
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
    config: &Config,
    liq: &LiquidationConfig,
    id: u64,
    mut lot: Lot,
    (to, to_sub): (&Addr, u32),
    market: String,
    fraction: SignedDecimal,
    premium: Int128,
) -> ContractResult<Response> {
    let from = lot.owner.clone();
    // Everything the account owes or is owed settles first, so its balance is exact.
    ledger::settle_account(&mut deps, env, config, &from, lot.sub_id)?;
    let theirs = POSITIONS
        .may_load(deps.storage, (to, to_sub, market.as_str()))?
        .map(|p| p.size);
    let lot_position = lot.positions.iter_mut().find(|p| p.market == market);
    let (Some(p), Some(theirs)) = (lot_position, theirs) else {
        return Err(ContractError::NotOpposite { market });
    };
    if p.size.is_zero() || theirs.is_negative() == p.size.is_negative() {
        return Err(ContractError::NotOpposite { market });
    }
    let want = if fraction == SignedDecimal::one() {
        p.size
    } else {
        in_lots(deps.as_ref(), &market, p.size, fraction, false)?
    };
    let take = if theirs.abs_diff(SignedDecimal::zero()) < want.abs_diff(SignedDecimal::zero()) {
        SignedDecimal::zero()
            .checked_sub(theirs)
            .map_err(|_| ContractError::Overflow("size"))?
    } else {
        want
    };
    let value = position_value(deps.as_ref(), env, config, &market, take)?;
    let refuse = || ContractError::DeleveragePremium {
        premium: premium.to_string(),
    };
    if premium.is_negative() {
        return Err(refuse());
    }
    let payment = value
        .to_int_floor()
        .checked_add(premium)
        .map_err(|_| ContractError::Overflow("payment"))?;
    let moved = move_position(
        &mut deps,
        env,
        config,
        &market,
        (&from, lot.sub_id),
        (to, to_sub),
        take,
    )?;
    if moved.is_none() {
        return Err(ContractError::NotOpposite { market });
    }
    p.size = p
        .size
        .checked_sub(take)
        .map_err(|_| ContractError::Overflow("size"))?;
    ledger::add_settlement(deps.storage, &from, lot.sub_id, payment)?;
    ledger::add_settlement(
        deps.storage,
        to,
        to_sub,
        Int128::zero()
            .checked_sub(payment)
            .map_err(|_| ContractError::Overflow("payment"))?,
    )?;
    let settlement = ACCOUNTS.load(deps.storage, (&from, lot.sub_id))?.settlement;
    let left = crate::margin::units(settlement)?
        .checked_add(lot_value(deps.as_ref(), env, config, &lot)?.value)
        .map_err(|_| ContractError::Overflow("equity"))?;
    // Nor may it make the counterparty insolvent.
    if left > SignedDecimal::zero()
        || account_report(deps.as_ref(), env, to, to_sub)?.equity < SignedDecimal::zero()
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
    let mut response = Response::new()
        .add_attribute("action", "deleverage")
        .add_attribute("lot", id.to_string())
        .add_attribute("counterparty", format!("{to}/{to_sub}"))
        .add_attribute("market", market)
        .add_attribute("size", take.to_string())
        .add_attribute("payment", payment.to_string())
        .add_attribute("socialized", socialized);
    let empty = lot.positions.iter().all(|p| p.size.is_zero())
        && lot.collateral.iter().all(|c| c.amount.is_zero());
    if empty {
        response = close_lot(&mut deps, liq, &mut lot, response)?;
    }
    LOTS.save(deps.storage, id, &lot)?;
    Ok(response)
}

/// A lot that is all taken: the account thaws, and a deficit it is left with goes to the
/// insurance pool (the caller saves the lot).
pub fn close_lot(
    deps: &mut DepsMut,
    liq: &LiquidationConfig,
    lot: &mut Lot,
    response: Response,
) -> ContractResult<Response> {
    lot.open = false;
    FROZEN.remove(deps.storage, (&lot.owner, lot.sub_id));
    Ok(match cover_deficit(deps, liq, &lot.owner, lot.sub_id)? {
        Some((msg, covered, uncovered)) => response
            .add_message(msg)
            .add_attribute("covered", covered)
            .add_attribute("bad_debt", uncovered),
        None => response,
    })
}

/// Moves signed `take` of `market` from one account to the other. Both settle what they
/// owe at their old sizes first; the receiver's entry for what it takes is the giver's (the
/// payment that goes with it carries the real price; entries only split equity for
/// display). Returns the giver's position before the move, `None` when it is gone (settled
/// at expiry meanwhile: the cash is already the giver's).
pub fn move_position(
    deps: &mut DepsMut,
    env: &Env,
    config: &Config,
    market: &str,
    (from, from_sub): (&Addr, u32),
    (to, to_sub): (&Addr, u32),
    take: SignedDecimal,
) -> ContractResult<Option<Position>> {
    let m = MARKETS.load(deps.storage, market)?;
    let cash = ledger::touch_market(deps, env, config, market, &m)?;
    ledger::settle_position(deps.storage, config, from, from_sub, market, &m, &cash)?;
    ledger::settle_position(deps.storage, config, to, to_sub, market, &m, &cash)?;
    let Some(old) = POSITIONS.may_load(deps.storage, (from, from_sub, market))? else {
        return Ok(None);
    };
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
    let cumulative = match &cash {
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
    Ok(Some(old))
}

/// `{"start_lot": {…}}` of the auction, serialized on its own (the auction's whole message
/// enum would bring its curve and ownership serializers into this contract).
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuctionMsg {
    StartLot {
        lot: u64,
        value: SignedDecimal,
        gross: SignedDecimal,
        debt: Uint128,
    },
}

/// `{"cover_shortfall": {"amount": …}}` and `{"assets": {}}` of the insurance pool,
/// serialized on their own (the pool's whole message enums are not needed here).
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum InsuranceMsg {
    CoverShortfall { amount: Uint128 },
    DistributeRevenue {},
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum InsuranceQuery {
    Assets {},
}

/// What the insurance pool holds (all tranches); nothing when it cannot be asked, so a
/// broken pool records bad debt instead of blocking the auction.
pub fn insurance_available(deps: Deps, liq: &LiquidationConfig) -> ContractResult<Uint128> {
    Ok(deps
        .querier
        .query_wasm_smart(&liq.insurance, &InsuranceQuery::Assets {})
        .unwrap_or_default())
}

/// When an account has nothing left but a negative balance, the insurance pool pays what
/// it can (the tokens arrive in the same transaction); the rest stays on the account as
/// recorded bad debt, which a later deposit pays first. Returns the message, covered and
/// uncovered amounts.
fn cover_deficit(
    deps: &mut DepsMut,
    liq: &LiquidationConfig,
    owner: &Addr,
    sub_id: u32,
) -> ContractResult<Option<(CosmosMsg, Uint128, Uint128)>> {
    let settlement = ACCOUNTS.load(deps.storage, (owner, sub_id))?.settlement;
    let empty = POSITIONS
        .prefix((owner, sub_id))
        .keys(deps.storage, None, None, Order::Ascending)
        .next()
        .is_none()
        && HOLDINGS
            .prefix((owner, sub_id))
            .keys(deps.storage, None, None, Order::Ascending)
            .next()
            .is_none();
    if !empty || !settlement.is_negative() {
        return Ok(None);
    }
    let deficit = settlement.unsigned_abs();
    let available = insurance_available(deps.as_ref(), liq)?;
    let covered = deficit.min(available);
    let uncovered = deficit - covered;
    let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
    losses.covered_by_insurance = losses
        .covered_by_insurance
        .checked_add(covered)
        .map_err(|_| ContractError::Overflow("covered"))?;
    losses.bad_debt = losses
        .bad_debt
        .checked_add(uncovered)
        .map_err(|_| ContractError::Overflow("bad debt"))?;
    LOSSES.save(deps.storage, &losses)?;
    if covered.is_zero() {
        return Ok(None);
    }
    ledger::add_settlement(
        deps.storage,
        owner,
        sub_id,
        Int128::try_from(covered).map_err(|_| ContractError::Overflow("covered"))?,
    )?;
    let msg = WasmMsg::Execute {
        contract_addr: liq.insurance.clone(),
        msg: to_json_binary(&InsuranceMsg::CoverShortfall { amount: covered })?,
        funds: vec![],
    };
    Ok(Some((msg.into(), covered, uncovered)))
}

pub fn auction_tip(
    deps: DepsMut,
    info: MessageInfo,
    id: u64,
    keeper: String,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let liq = ensure_auction(&config, &info.sender)?;
    let lot = open_lot(deps.as_ref(), id)?;
    let keeper = deps.api.addr_validate(&keeper)?;
    let tip = liq.redo_tip;
    let mut response = Response::new()
        .add_attribute("action", "auction_tip")
        .add_attribute("lot", id.to_string())
        .add_attribute("keeper", keeper.to_string())
        .add_attribute("tip", tip);
    if !tip.is_zero() {
        ledger::add_settlement(
            deps.storage,
            &lot.owner,
            lot.sub_id,
            -Int128::try_from(tip).map_err(|_| ContractError::Overflow("tip"))?,
        )?;
        let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
        losses.keeper_tips = losses
            .keeper_tips
            .checked_add(tip)
            .map_err(|_| ContractError::Overflow("tips"))?;
        LOSSES.save(deps.storage, &losses)?;
        response = response.add_message(BankMsg::Send {
            to_address: keeper.to_string(),
            amount: vec![Coin::new(tip, config.settlement_denom)],
        });
    }
    Ok(response)
}

/// Sends the insurance pool its share of everything earned so far less what it was sent
/// before: `floor((fees + sent) × share) − sent` (fees only fall by sweeps, so fees + sent
/// is all revenue ever earned; the floor keeps the dust with the protocol).
pub fn sweep_fees(deps: DepsMut) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let liq = liquidation_config(&config)?;
    let fees = FEES.may_load(deps.storage)?.unwrap_or_default();
    let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
    let earned = fees
        .checked_add(losses.to_insurance)
        .map_err(|_| ContractError::Overflow("fees"))?;
    let due = earned
        .mul_floor(liq.insurance_share)
        .saturating_sub(losses.to_insurance)
        .min(fees);
    if due.is_zero() {
        return Err(ContractError::NothingToSweep {});
    }
    FEES.save(deps.storage, &(fees - due))?;
    losses.to_insurance += due;
    LOSSES.save(deps.storage, &losses)?;
    Ok(Response::new()
        .add_message(WasmMsg::Execute {
            contract_addr: liq.insurance,
            msg: to_json_binary(&InsuranceMsg::DistributeRevenue {})?,
            funds: vec![Coin::new(due, config.settlement_denom)],
        })
        .add_attribute("action", "sweep_fees")
        .add_attribute("amount", due))
}
