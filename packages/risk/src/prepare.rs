//! Validation and per-call preparation shared by the standard and portfolio engines:
//! marks, values, Greeks, and each underlying's scenario candidates.

use cosmwasm_std::{Decimal, SignedDecimal};

use crate::black76::{self, OptionKind, Quote};
use crate::error::{RiskError, RiskResult};
use crate::fixed::Q;
use crate::math::{ln, sqrt};
use crate::model::{Account, Instrument, Market, RiskContext, YEAR_SECS};
use crate::money::{abs, add, div_down, mul_down, mul_q_down, mul_q_up, mul_up, neg, sub};
use crate::validate;

/// Fractions of R for the scenario grid: the seven core points on [−R, R] and, at the ends,
/// the two extreme points at ±extreme_multiple (filled in from the parameters).
const CORE: [(i64, i64); 7] = [(-1, 1), (-2, 3), (-1, 3), (0, 1), (1, 3), (2, 3), (1, 1)];
/// Number of factor points: 7 core + 2 extreme. Index 0 and 8 are the extremes.
pub const POINTS: usize = 9;
/// No scenario takes a price below 1 % of its current value (an extreme move of a very
/// volatile underlying could otherwise ask for a negative price).
pub(crate) const MIN_MOVE: Q = Q::dec(-99, 2);
/// Volatility states: unchanged, up, down.
pub const VOLS: usize = 3;

impl PreparedUnderlying {
    /// Volatility in state `v` after a move `mv`.
    pub fn sigma_at(&self, v: usize, mv: Q) -> RiskResult<Q> {
        if v == 1 {
            self.sigmas[1].checked_add(self.jump_per_move.checked_mul(mv.abs())?)
        } else {
            Ok(self.sigmas[v])
        }
    }
}

pub fn is_extreme(j: usize) -> bool {
    j == 0 || j == POINTS - 1
}

/// The fraction of R at factor point j.
pub fn grid_fraction(j: usize, extreme: Q) -> RiskResult<Q> {
    Ok(match j {
        0 => extreme.negated(),
        8 => extreme,
        _ => {
            let (n, d) = CORE[j - 1];
            Q::from_int(n as i32).checked_div(Q::from_int(d as i32))?
        }
    })
}

pub struct OptionLeg {
    pub kind: OptionKind,
    /// strike ÷ index, and its logarithm
    pub k: Q,
    pub ln_k: Q,
    pub tau: Q,
    pub sqrt_tau: Q,
    pub quote: Quote,
}

/// A candidate move m with what every option repricing at it needs.
pub struct Candidate {
    pub mv: Q,
    /// 1 + m, 1/(1 + m), ln(1 + m)
    pub growth: Q,
    pub inv_growth: Q,
    pub ln_growth: Q,
}

impl Candidate {
    pub fn new(mv: Q) -> RiskResult<Candidate> {
        let growth = Q::ONE.checked_add(mv)?;
        Ok(Candidate {
            mv,
            growth,
            inv_growth: Q::ONE.checked_div(growth)?,
            ln_growth: ln(growth)?,
        })
    }
}

pub struct PreparedPosition<'a> {
    pub market: &'a Market,
    pub underlying: usize,
    pub size: SignedDecimal,
    /// |size| × index
    pub notional: SignedDecimal,
    /// size × index (signed), rounded up: what a relative move of the underlying scales
    pub size_forward: SignedDecimal,
    pub mark: SignedDecimal,
    /// size × (mark − entry), rounded down
    pub value: SignedDecimal,
    pub option: Option<OptionLeg>,
}

pub struct PreparedCollateral {
    /// amount × price × weight, rounded down (what equity counts)
    pub weighted_value: SignedDecimal,
    /// (underlying, beta) if linked
    pub link: Option<(usize, Q)>,
}

pub struct PreparedUnderlying {
    pub index: usize,
    pub price: SignedDecimal,
    pub sigma: Q,
    /// Volatility in each state (none, up at no move, down).
    pub sigmas: [Q; VOLS],
    /// σ·vol_jump/R: the up state adds this times |m| at a move m.
    pub jump_per_move: Q,
    /// Scenario range R (fraction of price).
    pub range: Q,
    /// Candidate moves; `band[j]` lists the indices of the candidates allowed at factor point j.
    pub candidates: Vec<Q>,
    /// `candidates` with their growth factors (same order).
    pub moves: Vec<Candidate>,
    pub band: [Vec<usize>; POINTS],
}

pub struct Prepared<'a> {
    pub ctx: &'a RiskContext,
    pub positions: Vec<PreparedPosition<'a>>,
    pub collateral: Vec<PreparedCollateral>,
    /// Underlyings the account touches, in index order.
    pub underlyings: Vec<PreparedUnderlying>,
    pub equity: SignedDecimal,
    pub extreme_weight: SignedDecimal,
    /// The same weight in `Q`, rounded up (losses are weighted up, never down).
    pub extreme_weight_q: Q,
    pub im_multiplier: SignedDecimal,
}

fn q(d: SignedDecimal) -> RiskResult<Q> {
    Q::from_decimal(d)
}

fn years(secs: u64) -> RiskResult<Q> {
    Q::from_int(0).checked_add(Q::from_raw(
        i64::try_from(((secs as i128) << crate::fixed::FRAC) / YEAR_SECS as i128)
            .map_err(|_| RiskError::overflow("time to expiry"))?,
    ))
}

/// Scenario range R = max(floor, z·σ·√h) as a fraction of price.
pub fn range_fraction(floor: Q, z: Q, sigma: Q, sqrt_h: Q) -> RiskResult<Q> {
    Ok(z.checked_mul(sigma)?.checked_mul(sqrt_h)?.max(floor))
}

fn idx_err(what: &'static str, index: usize) -> RiskError {
    RiskError::UnknownIndex { what, index }
}

#[inline(never)]
pub fn prepare<'a>(account: &Account, ctx: &'a RiskContext) -> RiskResult<Prepared<'a>> {
    let p = &ctx.params;
    validate::params(p, ctx.underlyings.len())?;
    let z = q(p.z)?;
    let sqrt_h = sqrt(years(p.horizon_secs)?)?;
    let extreme = q(p.extreme_multiple)?;
    let stress = q(p.stress)?;

    // Which underlyings the account touches (positions and linked collateral).
    let mut used = vec![false; ctx.underlyings.len()];
    let mut positions = Vec::with_capacity(account.positions.len());
    let mut equity = account.settlement;
    for pos in &account.positions {
        let market = ctx
            .markets
            .get(pos.market)
            .ok_or_else(|| idx_err("market", pos.market))?;
        validate::market(market, pos.market, ctx.underlyings.len())?;
        let und = &ctx.underlyings[market.underlying];
        validate::underlying(und, p.max_vol)?;
        used[market.underlying] = true;
        let notional = mul_up(abs(pos.size)?, und.price)?;
        let (mark, option) = match &market.instrument {
            Instrument::Perp => (und.price, None),
            Instrument::Future { expiry } => {
                if *expiry <= p.now {
                    return Err(RiskError::FutureExpired {
                        market: pos.market,
                        expiry: *expiry,
                        now: p.now,
                    });
                }
                (und.price, None)
            }
            Instrument::Option {
                expiry,
                strike,
                kind,
            } => {
                if *expiry <= p.now {
                    return Err(RiskError::OptionExpired {
                        market: pos.market,
                        expiry: *expiry,
                        now: p.now,
                    });
                }
                let k = q(div_down(*strike, und.price)?)?;
                let tau = years(expiry - p.now)?;
                let quote = black76::quote(*kind, k, q(und.option_vol)?, tau)?;
                // A long position's mark rounds down, a short's up: value favours the protocol.
                let mark = if pos.size.is_negative() {
                    mul_q_up(und.price, quote.price)?
                } else {
                    mul_q_down(und.price, quote.price)?
                };
                (
                    mark,
                    Some(OptionLeg {
                        kind: *kind,
                        k,
                        ln_k: ln(k)?,
                        tau,
                        sqrt_tau: sqrt(tau)?,
                        quote,
                    }),
                )
            }
        };
        let value = mul_down(pos.size, sub(mark, pos.entry_price)?)?;
        equity = add(equity, value)?;
        positions.push(PreparedPosition {
            market,
            underlying: market.underlying,
            size: pos.size,
            notional,
            // Same magnitude as the notional (rounded up), with the position's sign.
            size_forward: if pos.size.is_negative() {
                neg(notional)?
            } else {
                notional
            },
            mark,
            value,
            option,
        });
    }

    let mut collateral = Vec::with_capacity(account.collateral.len());
    for h in &account.collateral {
        let asset = ctx
            .collaterals
            .get(h.asset)
            .ok_or_else(|| idx_err("collateral", h.asset))?;
        validate::collateral(asset, ctx.underlyings.len())?;
        if h.amount.is_negative() {
            return Err(RiskError::param(
                "collateral amount",
                "must not be negative",
            ));
        }
        let weighted_value = mul_down(mul_down(h.amount, asset.price)?, asset.weight)?;
        equity = add(equity, weighted_value)?;
        let link = match &asset.link {
            Some(l) => {
                validate::underlying(&ctx.underlyings[l.underlying], p.max_vol)?;
                used[l.underlying] = true;
                Some((l.underlying, q(l.beta)?))
            }
            None => None,
        };
        collateral.push(PreparedCollateral {
            weighted_value,
            link,
        });
    }

    // Reference range, for the factor moves of the other underlyings.
    let reference = match p.reference {
        Some(r) => {
            let u = &ctx.underlyings[r];
            validate::underlying(u, p.max_vol)?;
            let sigma = q(u.vol)?;
            let floor = q(u.range_floor)?;
            Some((r, range_fraction(floor, z, sigma, sqrt_h)?, sigma, floor))
        }
        None => None,
    };

    let mut underlyings = Vec::new();
    for (index, u) in ctx.underlyings.iter().enumerate() {
        if !used[index] {
            continue;
        }
        let range = range_fraction(q(u.range_floor)?, z, q(u.vol)?, sqrt_h)?;
        // Options are repriced from their marking volatility.
        let sigma = q(u.option_vol)?;
        let sigmas = [
            sigma,
            sigma.checked_mul(Q::ONE.checked_add(q(u.vol_up)?)?)?,
            sigma.checked_mul(Q::ONE.checked_sub(q(u.vol_down)?)?)?,
        ];
        let jump_per_move = sigma.checked_mul(q(u.vol_jump)?)?.checked_div(range)?;
        // The factor model's inputs, made coherent with σ: |β|·σ_ref ≤ σ, and the residual
        // explains at least what β does not (σ_resid² ≥ σ² − β²·σ_ref²; a young oracle with
        // no covariance yet reports β = 0 and no residual: the underlying is then all
        // residual). With stress ≥ 1, β·R_ref + D reaches the underlying's own range, so the
        // factor model may credit correlation but never make a lone position cheaper; the
        // floors get the same guarantee from D ≥ floor_u − |β|·floor_ref. Every term grows
        // with volatility, so margin does too.
        let own_sigma = q(u.vol)?;
        let factor = match reference {
            Some((r, ref_range, ref_sigma, ref_floor)) if r != index => {
                let max_beta = own_sigma.checked_div(ref_sigma)?;
                let beta = q(u.beta)?;
                let beta = if beta.abs() > max_beta {
                    if beta.is_negative() {
                        max_beta.negated()
                    } else {
                        max_beta
                    }
                } else {
                    beta
                };
                let explained = beta.checked_mul(ref_sigma)?;
                let unexplained = own_sigma
                    .checked_mul(own_sigma)?
                    .checked_sub(explained.checked_mul(explained)?)?
                    .max(Q::ZERO);
                let resid = q(u.resid_vol)?.min(own_sigma).max(sqrt(unexplained)?);
                let d = range_fraction(q(u.resid_floor)?, z.checked_mul(stress)?, resid, sqrt_h)?;
                let floor_gap =
                    q(u.range_floor)?.checked_sub(beta.abs().checked_mul(ref_floor)?)?;
                Factor::Linked {
                    ref_range,
                    beta,
                    d: d.max(floor_gap),
                }
            }
            Some(_) => Factor::Reference,
            None => Factor::Independent,
        };
        let (candidates, band) = candidates(range, factor, extreme)?;
        let moves = candidates
            .iter()
            .map(|m| Candidate::new(*m))
            .collect::<RiskResult<Vec<_>>>()?;
        underlyings.push(PreparedUnderlying {
            index,
            price: u.price,
            sigma,
            sigmas,
            jump_per_move,
            range,
            candidates,
            moves,
            band,
        });
    }

    Ok(Prepared {
        ctx,
        positions,
        collateral,
        underlyings,
        equity,
        extreme_weight: p.extreme_weight,
        extreme_weight_q: q(p.extreme_weight)?.checked_add(Q::from_raw(1))?,
        im_multiplier: p.im_multiplier,
    })
}

/// How an underlying moves with the reference in the scenario grid.
#[derive(Copy, Clone)]
enum Factor {
    /// The reference itself: it moves f·R.
    Reference,
    /// Moves `β·F ± D` around the reference's move F (D: the correlation-breakdown move).
    Linked { ref_range: Q, beta: Q, d: Q },
    /// No reference: ranges freely over its own grid.
    Independent,
}

/// The moves an underlying may take at each factor point.
///
/// The reference underlying moves exactly f·R at factor point f. Any other underlying u
/// moves `β·F ± D` around the factor move F = f·R_ref, where D is its correlation-breakdown
/// (idiosyncratic) move `max(resid_floor, stress·z·σ_resid·√h)`; its move is capped at
/// ±max(R_u, |β|·R_ref) (times the extreme multiple at the extreme points), so no scenario
/// moves an underlying further than its own volatility or its beta to the reference allows.
/// Within that band the candidates are the band's ends and the grid points f·R_u inside it.
/// Without a reference, every underlying ranges freely over its own grid. No move takes a
/// price below 1 % of its current value.
#[inline(never)]
fn candidates(range: Q, factor: Factor, extreme: Q) -> RiskResult<(Vec<Q>, [Vec<usize>; POINTS])> {
    let mut cands = Vec::with_capacity(3 * POINTS);
    let mut band: [Vec<usize>; POINTS] = Default::default();
    for j in 0..POINTS {
        cands.push(grid_fraction(j, extreme)?.checked_mul(range)?.max(MIN_MOVE));
    }
    let push = |cands: &mut Vec<Q>, v: Q| -> usize {
        match cands.iter().position(|c| *c == v) {
            Some(i) => i,
            None => {
                cands.push(v);
                cands.len() - 1
            }
        }
    };
    for (j, b) in band.iter_mut().enumerate() {
        // An underlying's own range caps its move, unless its beta carries it further with
        // the reference: otherwise a floored range would cap one leg of a hedge while the
        // reference's range grows with volatility, and margin could fall as volatility rises.
        let own = match factor {
            Factor::Linked {
                ref_range, beta, ..
            } => range.max(beta.abs().checked_mul(ref_range)?),
            _ => range,
        };
        let cap = if is_extreme(j) {
            extreme.checked_mul(own)?
        } else {
            own
        };
        let floor = cap.negated().max(MIN_MOVE);
        let (lo, hi) = match factor {
            Factor::Reference => {
                b.push(j);
                continue;
            }
            Factor::Linked { ref_range, beta, d } => {
                let centre =
                    beta.checked_mul(grid_fraction(j, extreme)?.checked_mul(ref_range)?)?;
                (
                    centre.checked_sub(d)?.max(floor).min(cap),
                    centre.checked_add(d)?.max(floor).min(cap),
                )
            }
            Factor::Independent => (floor, cap),
        };
        let lo_i = push(&mut cands, lo);
        let hi_i = push(&mut cands, hi);
        for (i, c) in cands.iter().enumerate() {
            if *c >= lo && *c <= hi && i != lo_i && i != hi_i && i < POINTS {
                b.push(i);
            }
        }
        b.push(lo_i);
        if hi_i != lo_i {
            b.push(hi_i);
        }
    }
    Ok((cands, band))
}

impl PreparedPosition<'_> {
    /// Loss (positive = loss, rounded up) of this position if its underlying moves by
    /// `c.mv` (fraction) and volatility becomes `sigma`.
    #[inline(never)]
    pub fn loss(&self, c: &Candidate, sigma: Q) -> RiskResult<SignedDecimal> {
        match &self.option {
            None => mul_q_up(self.size_forward, c.mv.negated()),
            Some(leg) => {
                let k = leg.k.checked_mul(c.inv_growth)?;
                let ln_k = leg.ln_k.checked_sub(c.ln_growth)?;
                let s = sigma.checked_mul(leg.sqrt_tau)?;
                let unit = black76::price(leg.kind, k, ln_k, s)?;
                // size·S·(price now − (1 + m)·price then), per unit of today's forward.
                let change = leg.quote.price.checked_sub(c.growth.checked_mul(unit)?)?;
                mul_q_up(self.size_forward, change)
            }
        }
    }

    /// Size add-on `|N|·impact·√(|N|/depth)` with N the position's notional (options too:
    /// a delta-based N would shrink when volatility rises, and margin with it).
    pub fn liquidity_addon(&self) -> RiskResult<SignedDecimal> {
        let n = self.notional;
        if self.market.impact.is_zero() || n.is_zero() {
            return Ok(SignedDecimal::zero());
        }
        let ratio = Decimal::try_from(div_down(n, self.market.depth)?)
            .map_err(|_| RiskError::overflow("liquidity ratio"))?;
        // Decimal::sqrt rounds down by at most 1e-18 of a fraction: immaterial next to the
        // add-on itself.
        let root = SignedDecimal::try_from(ratio.sqrt())
            .map_err(|_| RiskError::overflow("liquidity sqrt"))?;
        mul_up(mul_up(n, self.market.impact)?, root)
    }

    /// Per-position floor of maintenance margin.
    pub fn floor(&self) -> RiskResult<SignedDecimal> {
        match &self.option {
            Some(_) if !self.size.is_negative() => Ok(SignedDecimal::zero()),
            _ => mul_up(self.notional, self.market.floor),
        }
    }
}
