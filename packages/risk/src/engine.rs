//! The margin engine's entry point: one account, one mode, one report.
//!
//! Standard (isolated, cross): each position needs `|N|·max(base, R)` (linear) or the
//! short/long option formula, plus its size add-on, and never less than its own worst
//! scenario loss (so standard margin is never below portfolio margin for the same
//! positions) nor its floor. IM uses the initial fractions and `im_multiplier × R`.
//!
//! Portfolio: the scenario grid of [`crate::prepare`] — for every factor point and
//! volatility state, each underlying takes its worst move inside its band; the scenario's
//! loss is the sum (collateral repriced in the same moves), times the extreme weight at the
//! extreme points. MM = worst loss + size add-ons, never below the sum of floors;
//! IM = MM × im_multiplier.

// Scenario tables are indexed by (candidate, vol state) in parallel arrays: index loops read
// clearer than zipped iterators here.
#![allow(clippy::needless_range_loop)]

use cosmwasm_std::SignedDecimal;

use crate::error::{RiskError, RiskResult};
use crate::fixed::Q;
use crate::model::{Account, Greeks, MarginMode, MarginReport, RiskContext, Scenario, VolShock};
use crate::money::{abs, add, div_down, mul_q_down, mul_q_up, mul_up, neg, ratio_down, sub};
use crate::prepare::{is_extreme, prepare, Prepared, PreparedPosition, MIN_MOVE, POINTS, VOLS};

const SHOCKS: [VolShock; VOLS] = [VolShock::None, VolShock::Up, VolShock::Down];

/// Loss table of one underlying: `loss[candidate][vol]`, positions and linked collateral.
struct Table {
    loss: Vec<[SignedDecimal; VOLS]>,
}

fn zero() -> SignedDecimal {
    SignedDecimal::zero()
}

/// Margin report of `account` in `mode`.
pub fn margin(account: &Account, ctx: &RiskContext, mode: &MarginMode) -> RiskResult<MarginReport> {
    if let MarginMode::Isolated { market } = mode {
        if let Some(other) = account.positions.iter().find(|p| p.market != *market) {
            return Err(RiskError::IsolationViolated {
                market: *market,
                other: other.market,
            });
        }
    }
    let prep = prepare(account, ctx)?;
    let (tables, standalone) = tables(&prep)?;

    let mut floor = zero();
    let mut liquidity = zero();
    let mut liq = Vec::with_capacity(prep.positions.len());
    for p in &prep.positions {
        floor = add(floor, p.floor()?)?;
        let l = p.liquidity_addon()?;
        liquidity = add(liquidity, l)?;
        liq.push(l);
    }

    let (im, mm, worst) = match mode {
        MarginMode::Portfolio => {
            let (worst_loss, scenario) = worst_scenario(&prep, &tables)?;
            let mm = add(worst_loss.max(zero()), liquidity)?.max(floor);
            (mul_up(mm, prep.im_multiplier)?, mm, scenario)
        }
        MarginMode::Cross | MarginMode::Isolated { .. } => {
            let mut im = zero();
            let mut mm = zero();
            for (i, p) in prep.positions.iter().enumerate() {
                let (pi, pm) = standard_requirement(&prep, p, standalone[i], liq[i])?;
                im = add(im, pi)?;
                mm = add(mm, pm)?;
            }
            (im, mm, None)
        }
    };

    let mut gross = zero();
    for p in &prep.positions {
        gross = add(gross, p.notional)?;
    }
    let mut collateral_value = account.settlement.max(zero());
    for h in &account.collateral {
        let asset = &ctx.collaterals[h.asset];
        collateral_value = add(
            collateral_value,
            crate::money::mul_down(h.amount, asset.price)?,
        )?;
    }
    let capital_efficiency = if collateral_value.is_zero() {
        None
    } else {
        Some(ratio_down(gross, collateral_value)?)
    };
    let health = if mm.is_zero() {
        None
    } else {
        Some(ratio_down(prep.equity, mm)?)
    };

    Ok(MarginReport {
        mode: mode.clone(),
        equity: prep.equity,
        initial_margin: im,
        maintenance_margin: mm,
        health,
        floor,
        liquidity_addon: liquidity,
        greeks: greeks(&prep)?,
        worst_scenario: worst,
        gross_notional: gross,
        collateral_value,
        capital_efficiency,
    })
}

/// (initial, maintenance) requirement of one position in standard mode.
#[inline(never)]
fn standard_requirement(
    prep: &Prepared,
    p: &PreparedPosition,
    standalone: SignedDecimal,
    liq: SignedDecimal,
) -> RiskResult<(SignedDecimal, SignedDecimal)> {
    let u = prep
        .underlyings
        .iter()
        .find(|u| u.index == p.underlying)
        .ok_or(RiskError::UnknownIndex {
            what: "underlying",
            index: p.underlying,
        })?;
    let m = prep.im_multiplier;
    let range = u.range.to_decimal_ceil();
    let size = abs(p.size)?;
    let formula =
        |f: &crate::model::Fractions, vol_term: SignedDecimal| -> RiskResult<SignedDecimal> {
            match &p.option {
                None => mul_up(p.notional, f.base.max(vol_term)),
                Some(leg) if p.size.is_negative() => {
                    // Short option: max(a·S − OTM, b·S) + mark, per unit.
                    let strike = mul_q_up(u.price, leg.k)?;
                    let otm = match leg.kind {
                        crate::model::OptionKind::Call => sub(strike, u.price)?,
                        crate::model::OptionKind::Put => sub(u.price, strike)?,
                    }
                    .max(zero());
                    let a = sub(mul_up(f.option_a, u.price)?, otm)?;
                    let b = mul_up(f.option_b, u.price)?;
                    mul_up(size, add(a.max(b), p.mark)?)
                }
                // Long option: its premium at most.
                Some(_) => mul_up(size, p.mark.min(mul_up(f.option_a, u.price)?)),
            }
        };
    let floor = p.floor()?;
    let mm = add(formula(&p.market.maintenance, range)?, liq)?
        .max(add(standalone, liq)?)
        .max(floor);
    let im = add(
        formula(&p.market.initial, mul_up(range, m)?)?,
        mul_up(liq, m)?,
    )?
    .max(mul_up(add(standalone, liq)?, m)?)
    .max(mul_up(floor, m)?);
    Ok((im, mm))
}

/// Per-underlying loss tables and each position's own worst (weighted) scenario loss.
#[inline(never)]
fn tables(prep: &Prepared) -> RiskResult<(Vec<Table>, Vec<SignedDecimal>)> {
    let mut out = Vec::with_capacity(prep.underlyings.len());
    let mut standalone = vec![zero(); prep.positions.len()];
    for u in &prep.underlyings {
        let n = u.candidates.len();
        let mut table = Table {
            loss: vec![[zero(); VOLS]; n],
        };
        let mut own = vec![[zero(); VOLS]; n];
        for (i, p) in prep.positions.iter().enumerate() {
            if p.underlying != u.index {
                continue;
            }
            for (c, cand) in u.moves.iter().enumerate() {
                if p.option.is_none() {
                    // Linear: independent of volatility.
                    let l = p.loss(cand, u.sigma)?;
                    own[c] = [l; VOLS];
                } else {
                    for v in 0..VOLS {
                        own[c][v] = p.loss(cand, u.sigma_at(v, cand.mv)?)?;
                    }
                }
                for v in 0..VOLS {
                    table.loss[c][v] = add(table.loss[c][v], own[c][v])?;
                }
            }
            standalone[i] = worst_in_bands(prep, u, &own)?;
        }
        for col in &prep.collateral {
            if let Some((link, beta)) = col.link {
                if link != u.index {
                    continue;
                }
                for (c, mv) in u.candidates.iter().enumerate() {
                    // Collateral cannot lose more than 99 % of its value either.
                    let col_move = beta.checked_mul(*mv)?.max(MIN_MOVE);
                    let l = mul_q_up(neg(col.weighted_value)?, col_move)?;
                    for v in 0..VOLS {
                        table.loss[c][v] = add(table.loss[c][v], l)?;
                    }
                }
            }
        }
        out.push(table);
    }
    Ok((out, standalone))
}

fn weight(prep: &Prepared, j: usize) -> SignedDecimal {
    if is_extreme(j) {
        prep.extreme_weight
    } else {
        SignedDecimal::one()
    }
}

/// A scenario loss at factor point j, weighted (core points count in full).
fn weighted(prep: &Prepared, j: usize, loss: SignedDecimal) -> RiskResult<SignedDecimal> {
    if is_extreme(j) {
        mul_q_up(loss, prep.extreme_weight_q)
    } else {
        Ok(loss)
    }
}

/// max over factor points and volatility states of the worst candidate in the band.
#[inline(never)]
fn worst_in_bands(
    prep: &Prepared,
    u: &crate::prepare::PreparedUnderlying,
    loss: &[[SignedDecimal; VOLS]],
) -> RiskResult<SignedDecimal> {
    let mut worst = zero();
    for j in 0..POINTS {
        for v in 0..VOLS {
            let best = u.band[j]
                .iter()
                .map(|&c| loss[c][v])
                .max()
                .unwrap_or_default();
            worst = worst.max(weighted(prep, j, best)?);
        }
    }
    Ok(worst)
}

#[inline(never)]
fn worst_scenario(
    prep: &Prepared,
    tables: &[Table],
) -> RiskResult<(SignedDecimal, Option<Scenario>)> {
    let mut worst: Option<(SignedDecimal, usize, usize)> = None;
    for j in 0..POINTS {
        for v in 0..VOLS {
            let mut total = zero();
            for (u, t) in prep.underlyings.iter().zip(tables) {
                let best = u.band[j]
                    .iter()
                    .map(|&c| t.loss[c][v])
                    .max()
                    .unwrap_or_default();
                total = add(total, best)?;
            }
            let weighted = weighted(prep, j, total)?;
            if worst.is_none_or(|(w, _, _)| weighted > w) {
                worst = Some((weighted, j, v));
            }
        }
    }
    let Some((loss, j, v)) = worst else {
        return Ok((zero(), None));
    };
    if prep.underlyings.is_empty() {
        return Ok((zero(), None));
    }
    let moves = prep
        .underlyings
        .iter()
        .zip(tables)
        .map(|(u, t)| {
            let c = u.band[j]
                .iter()
                .copied()
                .max_by_key(|&c| t.loss[c][v])
                .unwrap_or(j);
            (u.index, u.candidates[c].to_decimal_floor())
        })
        .collect();
    Ok((
        loss,
        Some(Scenario {
            moves,
            vol_shock: SHOCKS[v].clone(),
            weight: weight(prep, j),
            loss,
        }),
    ))
}

#[inline(never)]
fn greeks(prep: &Prepared) -> RiskResult<Vec<Greeks>> {
    let point = SignedDecimal::percent(1);
    let mut out = Vec::with_capacity(prep.underlyings.len());
    for u in &prep.underlyings {
        let (mut delta, mut gamma, mut vega) = (zero(), zero(), zero());
        for p in prep.positions.iter().filter(|p| p.underlying == u.index) {
            match &p.option {
                None => delta = add(delta, p.size)?,
                Some(leg) => {
                    delta = add(delta, mul_q_down(p.size, leg.quote.delta)?)?;
                    gamma = add(
                        gamma,
                        div_down(mul_q_down(p.size, leg.quote.gamma_f)?, u.price)?,
                    )?;
                    let v = mul_q_down(crate::money::mul_down(p.size, u.price)?, leg.quote.vega_f)?;
                    vega = add(vega, crate::money::mul_down(v, point)?)?;
                }
            }
        }
        for c in &prep.collateral {
            if let Some((link, beta)) = c.link {
                if link == u.index {
                    // value·β/S units of the underlying.
                    delta = add(
                        delta,
                        div_down(mul_q_down(c.weighted_value, beta)?, u.price)?,
                    )?;
                }
            }
        }
        out.push(Greeks {
            underlying: u.index,
            delta,
            gamma,
            vega,
        });
    }
    Ok(out)
}

/// Every scenario of the portfolio grid (the cartesian product of each underlying's band
/// candidates at each factor point and volatility state), with the account's weighted loss
/// from the loss tables. Exponential in the number of underlyings: for audits and tests.
pub fn scenarios(account: &Account, ctx: &RiskContext) -> RiskResult<Vec<Scenario>> {
    let prep = prepare(account, ctx)?;
    let (tables, _) = tables(&prep)?;
    let mut out = Vec::new();
    for j in 0..POINTS {
        for v in 0..VOLS {
            let mut combos: Vec<(Vec<(usize, Q)>, SignedDecimal)> = vec![(Vec::new(), zero())];
            for (u, t) in prep.underlyings.iter().zip(&tables) {
                let mut next = Vec::new();
                for (moves, loss) in &combos {
                    for &c in &u.band[j] {
                        let mut m = moves.clone();
                        m.push((u.index, u.candidates[c]));
                        next.push((m, add(*loss, t.loss[c][v])?));
                    }
                }
                combos = next;
            }
            for (moves, loss) in combos {
                out.push(Scenario {
                    moves: moves
                        .into_iter()
                        .map(|(i, m)| (i, m.to_decimal_floor()))
                        .collect(),
                    vol_shock: SHOCKS[v].clone(),
                    weight: weight(&prep, j),
                    loss: weighted(&prep, j, loss)?,
                });
            }
        }
    }
    Ok(out)
}

/// The account's equity alone (what a mark-to-market needs).
pub fn equity(account: &Account, ctx: &RiskContext) -> RiskResult<SignedDecimal> {
    Ok(prepare(account, ctx)?.equity)
}
