//! The cash flows between accounts that are not trades: perp funding and the cash settlement
//! of expired futures and options. Pure functions; `ledger` applies them to storage.
//!
//! Rounding: the cumulative funding index is one number both sides use, so its own
//! truncation makes or loses nothing. Each account's cash is rounded down (towards −∞):
//! what an account receives is floored and what it pays is ceiled, and the difference stays
//! in the clearing balance, in the protocol's favour.

use cosmwasm_std::{Decimal, Int128, SignedDecimal};

use ballast_risk::model::{Instrument, OptionKind};
use ballast_types::clearinghouse::{FundingConfig, MarketConfig};

use crate::error::{ContractError, ContractResult};
use crate::margin::decimal;
use crate::state::{FundingState, Position};

fn of(what: &'static str) -> impl Fn(cosmwasm_std::OverflowError) -> ContractError {
    move |_| ContractError::Overflow(what)
}

/// Cash an account receives (> 0) or pays (< 0) for an exact value: floored, so a payment
/// is rounded up and a receipt down.
pub fn cash(value: SignedDecimal) -> Int128 {
    value.to_int_floor()
}

/// The rate per period: the premium spread over the convergence periods, clamped.
pub fn rate(f: &FundingState, cfg: &FundingConfig) -> ContractResult<SignedDecimal> {
    let max = decimal(cfg.max_rate)?;
    let spread = f
        .premium
        .checked_div(SignedDecimal::from_ratio(
            cfg.convergence_periods.max(1),
            1u32,
        ))
        .map_err(|_| ContractError::Overflow("funding rate"))?;
    Ok(spread.clamp(-max, max))
}

/// The funding state accrued to `now` at index price `index` (settlement base units per
/// unit of the underlying): the rate applies pro rata to the seconds elapsed.
pub fn accrue(
    f: &FundingState,
    cfg: &FundingConfig,
    index: SignedDecimal,
    now: u64,
) -> ContractResult<FundingState> {
    if now <= f.updated {
        return Ok(f.clone());
    }
    let elapsed = SignedDecimal::from_ratio(now - f.updated, cfg.period_secs.max(1));
    // Truncated: both sides use the same index, so this rounding moves no value.
    let step = rate(f, cfg)?
        .checked_mul(index)
        .and_then(|x| x.checked_mul(elapsed))
        .map_err(of("funding"))?;
    Ok(FundingState {
        cumulative: f.cumulative.checked_add(step).map_err(of("funding"))?,
        premium: f.premium,
        updated: now,
    })
}

/// The premium average after a trade of `notional` (settlement base units) at `price` when
/// the index is `index` (both whole settlement units per unit). A trade weighs
/// `trade_weight × min(1, notional / weight_notional)` (rounded down): twenty dust prints
/// move the average as little as the notional they risk, so steering funding costs in
/// proportion to what it moves.
pub fn with_trade(
    f: &FundingState,
    cfg: &FundingConfig,
    price: Decimal,
    index: Decimal,
    notional: Decimal,
) -> ContractResult<FundingState> {
    let (price, index) = (decimal(price)?, decimal(index)?);
    let bound = decimal(cfg.max_rate)?
        .checked_mul(SignedDecimal::from_ratio(cfg.convergence_periods, 1u32))
        .map_err(of("premium"))?;
    let sample = price
        .checked_sub(index)
        .map_err(of("premium"))?
        .checked_div(index)
        .map_err(|_| ContractError::Overflow("premium"))?
        .clamp(-bound, bound);
    let full = Decimal::from_atomics(cfg.weight_notional, 0)
        .map_err(|_| ContractError::Overflow("weight"))?;
    let share = notional
        .checked_div(full)
        .map_err(|_| ContractError::Overflow("weight"))?
        .min(Decimal::one());
    let w = decimal(cfg.trade_weight.checked_mul(share).map_err(of("weight"))?)?;
    let premium = sample
        .checked_sub(f.premium)
        .and_then(|d| d.checked_mul(w))
        .and_then(|d| f.premium.checked_add(d))
        .map_err(of("premium"))?;
    Ok(FundingState {
        premium,
        ..f.clone()
    })
}

/// Funding the position's account receives (> 0) or pays (< 0) since it last settled, when
/// the market's cumulative index is `cumulative`.
pub fn funding_cash(p: &Position, cumulative: SignedDecimal) -> ContractResult<Int128> {
    let value = cumulative
        .checked_sub(p.funding_index)
        .and_then(|d| d.checked_mul(p.size))
        .map_err(of("funding"))?;
    Ok(cash(-value))
}

/// Payoff per unit of a dated instrument settled at `settle` (whole settlement units per
/// unit), in settlement base units (`scale` = 10^settlement decimals).
pub fn payoff(
    m: &MarketConfig,
    settle: Decimal,
    scale: SignedDecimal,
) -> ContractResult<SignedDecimal> {
    let s = decimal(settle)?;
    let per_unit = match &m.instrument {
        Instrument::Option { strike, kind, .. } => {
            let intrinsic = match kind {
                OptionKind::Call => s.checked_sub(*strike),
                OptionKind::Put => strike.checked_sub(s),
            }
            .map_err(of("payoff"))?;
            intrinsic.max(SignedDecimal::zero())
        }
        _ => s,
    };
    per_unit.checked_mul(scale).map_err(of("payoff"))
}

/// Cash a position receives (> 0) or pays (< 0) when its market settles at `settle`. The
/// quote balance already paid (or received) the entry, so the position is worth
/// `size × payoff`.
pub fn expiry_cash(
    m: &MarketConfig,
    p: &Position,
    settle: Decimal,
    scale: SignedDecimal,
) -> ContractResult<Int128> {
    let value = payoff(m, settle, scale)?
        .checked_mul(p.size)
        .map_err(of("expiry"))?;
    Ok(cash(value))
}

/// The expiry of a dated market, None for a perp.
pub fn expiry(m: &MarketConfig) -> Option<u64> {
    match m.instrument {
        Instrument::Future { expiry } | Instrument::Option { expiry, .. } => Some(expiry),
        Instrument::Perp => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> FundingConfig {
        FundingConfig {
            period_secs: 3600,
            convergence_periods: 8,
            max_rate: Decimal::permille(1),
            trade_weight: Decimal::percent(50),
            weight_notional: cosmwasm_std::Uint128::new(1_000),
        }
    }

    #[test]
    fn a_trade_weighs_in_proportion_to_its_notional() {
        let f = FundingState::default();
        let big = Decimal::from_ratio(1_000u32, 1u32);
        // Full weight at weight_notional and above: 0.4 % × 50 %.
        let full = with_trade(
            &f,
            &cfg(),
            "100.4".parse().unwrap(),
            Decimal::percent(10000),
            big,
        )
        .unwrap();
        assert_eq!(full.premium, sd("0.002"));
        // A print of a tenth of it weighs a tenth: 0.4 % × 5 %.
        let tenth = Decimal::from_ratio(100u32, 1u32);
        let dust = with_trade(
            &f,
            &cfg(),
            "100.4".parse().unwrap(),
            Decimal::percent(10000),
            tenth,
        )
        .unwrap();
        assert_eq!(dust.premium, sd("0.0002"));
    }

    fn sd(s: &str) -> SignedDecimal {
        s.parse().unwrap()
    }

    #[test]
    fn premium_average_clamps_each_trade() {
        let f = FundingState::default();
        // +0.4 % premium, half weight: 0.2 %.
        let big = Decimal::from_ratio(5_000u32, 1u32);
        let f = with_trade(
            &f,
            &cfg(),
            "100.4".parse().unwrap(),
            Decimal::percent(10000),
            big,
        )
        .unwrap();
        assert_eq!(f.premium, sd("0.002"));
        // A print at double the index counts as the bound 0.8 %: (0.002 + 0.008) / 2.
        let g = with_trade(
            &f,
            &cfg(),
            Decimal::percent(20000),
            Decimal::percent(10000),
            big,
        )
        .unwrap();
        assert_eq!(g.premium, sd("0.005"));
        // Rate = premium / 8, clamped at 0.1 %.
        assert_eq!(rate(&f, &cfg()).unwrap(), sd("0.00025"));
        let h = FundingState {
            premium: sd("-0.5"),
            ..f
        };
        assert_eq!(rate(&h, &cfg()).unwrap(), sd("-0.001"));
    }

    #[test]
    fn accrual_is_pro_rata_and_cash_rounds_against_the_account() {
        let f = FundingState {
            premium: sd("0.002"),
            updated: 1000,
            ..Default::default()
        };
        // 0.025 % per hour of a 60,000 index (base units ×10^6), for 90 minutes.
        let g = accrue(&f, &cfg(), sd("60000000000"), 1000 + 5400).unwrap();
        assert_eq!(g.cumulative, sd("22500000"));
        assert_eq!(g.updated, 6400);
        assert_eq!(accrue(&g, &cfg(), sd("1"), 10).unwrap(), g);
        let long = Position {
            size: sd("0.0000001"),
            entry_price: sd("1"),
            funding_index: SignedDecimal::zero(),
        };
        // Pays 2.25 base units: rounded up to 3; the short receives 2.
        assert_eq!(funding_cash(&long, g.cumulative).unwrap(), Int128::new(-3));
        let short = Position {
            size: sd("-0.0000001"),
            ..long
        };
        assert_eq!(funding_cash(&short, g.cumulative).unwrap(), Int128::new(2));
    }
}
