//! Liquidation: choosing the lot, the penalty and the keeper tip.
//!
//! Everything works on one snapshot of the account (one storage read per item, one oracle
//! query): ranking the parts costs one engine run per part on that part alone, and finding
//! the smallest part that restores initial margin a binary search over the ranked prefixes
//! plus a bisection of the last part, each step one engine run on the whole account. So a
//! liquidation costs O(n log n) engine work and O(n) storage for n ≤ `MAX_POSITIONS`
//! positions and `MAX_COLLATERALS` collateral assets.
//!
//! `Seize` is a primitive of the liquidator (its `Liquidate` decides when, and runs the
//! auction, the cover and deleveraging); the choice of the lot stays here because it runs
//! the margin engine on the account's state at every step (README, "Who owns what"). The
//! lot stays in the liquidated account, frozen, until bidders take it (see `lot`).

use cosmwasm_std::{
    to_json_binary, BankMsg, Coin, Decimal, DepsMut, Env, Int128, MessageInfo, Response,
    SignedDecimal, Uint128,
};

use ballast_types::liquidation::{LiquidationConfig, LotCollateral, LotPosition, Seized};

use crate::error::{ContractError, ContractResult};
use crate::execute::deficit::{ensure_liquidator, unrecorded_deficit};
use crate::execute::lot::{in_lots, lot_value};
use crate::ledger;
use crate::margin::{decimal, units, whole, Snapshot};
use crate::state::{Config, Lot, CONFIG, FEES, FROZEN, LOSSES, LOTS, LOT_SEQ};

/// Bisection steps for the fraction of the last item taken: 2^-7 < 1 % of it too much.
const BISECTION_STEPS: u32 = 7;

pub fn liquidation_config(config: &Config) -> ContractResult<LiquidationConfig> {
    config
        .liquidation
        .clone()
        .ok_or(ContractError::LiquidationNotConfigured {})
}

/// A part of the account: `held[i]` or `holdings[j]` of its snapshot, and how much.
#[derive(Clone)]
pub enum Part {
    Position(usize, SignedDecimal),
    Collateral(usize, Uint128),
}

/// The penalty and the tip (`keeper_tip`, or the redo tip) on a lot of gross value `gross`
/// from an account of equity `equity`. The penalty is the rate on the gross value (rounded
/// up), raised to the tip; the tip is the configured one but never more than the account can pay — its equity,
/// or the rate's penalty when that is more (an underwater account still pays its keeper
/// out of the penalty, but a dust account's tip is dust: self-liquidating many tiny
/// accounts can't draw keeper tips from the insurance pool).
pub fn charges(
    liq: &LiquidationConfig,
    keeper_tip: Uint128,
    gross: SignedDecimal,
    equity: SignedDecimal,
) -> ContractResult<(Uint128, Uint128)> {
    let rate = Decimal::try_from(gross.max(SignedDecimal::zero()))
        .map_err(|_| ContractError::Overflow("gross"))?
        .checked_mul(liq.penalty)
        .map_err(|_| ContractError::Overflow("penalty"))?
        .to_uint_ceil();
    // What the account can pay: its equity, rounded down.
    let payable = Decimal::try_from(equity.max(SignedDecimal::zero()))
        .map_err(|_| ContractError::Overflow("equity"))?
        .to_uint_floor();
    let tip = keeper_tip.min(rate.max(payable));
    Ok((rate.max(tip), tip))
}

/// The account with `taken` removed: (sizes, amounts).
fn without(s: &Snapshot, taken: &[Part]) -> ContractResult<(Vec<SignedDecimal>, Vec<Uint128>)> {
    let (mut sizes, mut amounts) = (s.sizes(), s.amounts());
    for p in taken {
        match p {
            Part::Position(i, size) => {
                sizes[*i] = sizes[*i]
                    .checked_sub(*size)
                    .map_err(|_| ContractError::Overflow("size"))?
            }
            Part::Collateral(j, amount) => amounts[*j] = amounts[*j].saturating_sub(*amount),
        }
    }
    Ok((sizes, amounts))
}

/// `fraction` of a part (positions rounded up to whole lots, collateral rounded up: the lot
/// never holds less than the fraction says).
fn scaled(s: &Snapshot, part: &Part, fraction: Decimal) -> ContractResult<Part> {
    Ok(match part {
        Part::Position(i, size) => {
            let lot = s.held[*i].market.lot_size;
            Part::Position(*i, in_lots(lot, *size, decimal(fraction)?, true)?)
        }
        Part::Collateral(j, amount) => Part::Collateral(*j, amount.mul_ceil(fraction).min(*amount)),
    })
}

/// Mark value of a part (positions at size × mark, collateral at amount × price).
pub fn part_value(s: &Snapshot, part: &Part) -> ContractResult<SignedDecimal> {
    match part {
        Part::Position(i, size) => s.position_value(*i, *size),
        Part::Collateral(j, amount) => s.collateral_value(*j, *amount),
    }
}

pub fn abs(v: SignedDecimal) -> ContractResult<SignedDecimal> {
    SignedDecimal::try_from(v.abs_diff(SignedDecimal::zero()))
        .map_err(|_| ContractError::Overflow("value"))
}

pub fn add(a: SignedDecimal, b: SignedDecimal) -> ContractResult<SignedDecimal> {
    a.checked_add(b)
        .map_err(|_| ContractError::Overflow("value"))
}

/// The smallest part of the account that leaves it at or above initial margin if sold at
/// the mark less `sizing_discount` with the penalty paid, taking first the parts whose own
/// initial margin per unit of value is largest; everything when nothing less does. Returns
/// the parts and their gross value.
fn choose_lot(
    s: &Snapshot,
    liq: &LiquidationConfig,
    equity: SignedDecimal,
) -> ContractResult<(Vec<Part>, SignedDecimal)> {
    let mut parts: Vec<Part> = s
        .held
        .iter()
        .enumerate()
        .map(|(i, h)| Part::Position(i, h.position.size))
        .collect();
    parts.extend(
        s.holdings
            .iter()
            .enumerate()
            .map(|(j, (_, a))| Part::Collateral(j, *a)),
    );
    // Rank by the part's own initial margin (the part alone, in the account's mode) per unit
    // of its gross value, largest first: one small engine run per part.
    let (zero_sizes, zero_amounts) = (
        vec![SignedDecimal::zero(); s.held.len()],
        vec![Uint128::zero(); s.holdings.len()],
    );
    let mut ranked = Vec::with_capacity(parts.len());
    for part in parts {
        let value = abs(part_value(s, &part)?)?;
        let (mut sizes, mut amounts) = (zero_sizes.clone(), zero_amounts.clone());
        match &part {
            Part::Position(i, size) => sizes[*i] = *size,
            Part::Collateral(j, amount) => amounts[*j] = *amount,
        }
        let own = s
            .report_with(Int128::zero(), &sizes, &amounts)?
            .initial_margin;
        let per_unit = if value.is_zero() {
            SignedDecimal::zero()
        } else {
            own.checked_div(value)
                .map_err(|_| ContractError::Overflow("rank"))?
        };
        ranked.push((per_unit, part, value));
    }
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));

    let passes = |taken: &[Part], gross: SignedDecimal| -> ContractResult<bool> {
        let (penalty, _) = charges(liq, liq.keeper_tip, gross, equity)?;
        // The auction is expected to clear below the mark: size the lot for that too.
        let discount = gross
            .checked_mul(decimal(liq.sizing_discount)?)
            .map_err(|_| ContractError::Overflow("discount"))?;
        let left = equity
            .checked_sub(units(
                Int128::try_from(penalty).map_err(|_| ContractError::Overflow("penalty"))?,
            )?)
            .and_then(|e| e.checked_sub(discount))
            .map_err(|_| ContractError::Overflow("equity"))?;
        let (sizes, amounts) = without(s, taken)?;
        Ok(left
            >= s.report_with(s.settlement, &sizes, &amounts)?
                .initial_margin)
    };
    // gross[k]: the gross value of the first k ranked parts.
    let mut gross = vec![SignedDecimal::zero()];
    for (_, _, v) in &ranked {
        gross.push(add(gross[gross.len() - 1], *v)?);
    }
    let parts: Vec<Part> = ranked.into_iter().map(|(_, p, _)| p).collect();
    let n = parts.len();
    if n == 0 || !passes(&parts, gross[n])? {
        return Ok((parts, gross[n]));
    }
    // The shortest passing prefix: a binary search (taking more never needs more margin
    // for what is left in the usual case; the answer passes whatever the order).
    let (mut lo, mut hi) = (0, n);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if passes(&parts[..mid], gross[mid])? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // The first hi − 1 parts whole, then the smallest passing fraction of part hi − 1 (the
    // whole part passes).
    let mut taken = parts[..hi - 1].to_vec();
    let last = &parts[hi - 1];
    let value = gross[hi]
        .checked_sub(gross[hi - 1])
        .map_err(|_| ContractError::Overflow("gross"))?;
    let gross_at = |f: Decimal| -> ContractResult<SignedDecimal> {
        let part = value
            .checked_mul(decimal(f)?)
            .map_err(|_| ContractError::Overflow("gross"))?;
        add(gross[hi - 1], part)
    };
    let (mut lo, mut hi_f) = (Decimal::zero(), Decimal::one());
    for _ in 0..BISECTION_STEPS {
        let mid = (lo + hi_f) / Decimal::percent(200);
        let mut trial = taken.clone();
        trial.push(scaled(s, last, mid)?);
        if passes(&trial, gross_at(mid)?)? {
            hi_f = mid;
        } else {
            lo = mid;
        }
    }
    taken.push(scaled(s, last, hi_f)?);
    Ok((taken, gross_at(hi_f)?))
}

pub fn seize(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    owner: String,
    sub_id: u32,
    keeper: String,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let liq = ensure_liquidator(&config, &info.sender)?;
    let owner = deps.api.addr_validate(&owner)?;
    let keeper = deps.api.addr_validate(&keeper)?;
    if let Some(lot) = FROZEN.may_load(deps.storage, (&owner, sub_id))? {
        return Err(ContractError::Frozen { lot });
    }
    // Funding and expiries settle first (this also needs fresh prices: a stale oracle
    // refuses the liquidation rather than acting on an old price).
    let s = Snapshot::settle(&mut deps, &env, &owner, sub_id)?;
    if s.held.is_empty() && s.holdings.is_empty() {
        // Nothing left to sell: a negative balance (left by expiry, funding or fees) goes
        // down the waterfall once; one already recorded as bad debt is not a lot, and
        // liquidating it again would only pay keeper tips out of the protocol's pocket.
        let deficit = unrecorded_deficit(deps.storage, &owner, sub_id)?;
        if deficit.is_zero() {
            return Err(ContractError::NothingToLiquidate {});
        }
        return Ok(Response::new()
            .add_attribute("action", "seize_deficit")
            .add_attribute("owner", owner.to_string())
            .add_attribute("sub_id", sub_id.to_string())
            .add_attribute("deficit", deficit)
            .set_data(to_json_binary(&Seized::Deficit { deficit })?));
    }
    let report = s.report()?;
    if report.equity >= report.maintenance_margin {
        let d = config.settlement_decimals;
        return Err(ContractError::Healthy {
            equity: whole(report.equity, d),
            maintenance: whole(report.maintenance_margin, d),
        });
    }
    let (parts, gross) = choose_lot(&s, &liq, report.equity)?;
    let (penalty, tip) = charges(&liq, liq.keeper_tip, gross, report.equity)?;
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
    let settlement = s
        .settlement
        .checked_sub(Int128::try_from(penalty).map_err(|_| ContractError::Overflow("penalty"))?)
        .map_err(|_| ContractError::Overflow("settlement"))?;
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
            Part::Position(i, size) if !size.is_zero() => lot.positions.push(LotPosition {
                market: s.held[i].id.clone(),
                size,
            }),
            Part::Collateral(j, amount) if !amount.is_zero() => {
                lot.collateral.push(LotCollateral {
                    collateral: s.holdings[j].0.clone(),
                    amount,
                })
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

    let value = lot_value(&s, &lot)?;
    let seized = Seized::Lot {
        lot: id,
        value: value.value,
        gross: value.gross,
        debt,
    };
    let mut response = Response::new()
        .add_attribute("action", "seize")
        .add_attribute("owner", owner)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("lot", id.to_string())
        .add_attribute("equity", report.equity.to_string())
        .add_attribute("maintenance_margin", report.maintenance_margin.to_string())
        .add_attribute("lot_value", value.value.to_string())
        .add_attribute("lot_gross", value.gross.to_string())
        .add_attribute("penalty", penalty)
        .add_attribute("keeper_tip", tip)
        .add_attribute("debt", debt)
        .set_data(to_json_binary(&seized)?);
    if !tip.is_zero() {
        response = response.add_message(BankMsg::Send {
            to_address: keeper.to_string(),
            amount: vec![Coin::new(tip, config.settlement_denom)],
        });
    }
    Ok(response)
}
