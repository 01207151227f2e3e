//! THE parameter file of the engine's examples (books, backtest, throughput): one set for
//! every price window, never fitted to one.
//!
//! Where the numbers come from:
//! - Linear base fractions are dYdX v4's liquidity tiers: large-cap (BTC, ETH) IMF 5 % /
//!   MMF 3 %, small-cap (ATOM) IMF 10 % / MMF 5 %.
//! - Short options are Deribit's: IM `max(15 % − OTM/S, 10 %) + mark`, MM `7.5 % + mark`.
//! - Volatility term: R = max(floor, z·σ·√h) with z = 6.75, h = 2 hours and σ the larger of a
//!   fast (λ = 0.96/h) and a slow (λ = 0.99/h) EWMA. Chosen on the pooled development
//!   windows of shared/marketdata so that BTC, ETH and ATOM long books breach no more often
//!   than the rule MM = max(5 %, 8·σ·√h) with λ = 0.97, at a lower median margin.
//! - Correlation breakdown: D = max(2 %, 1.25 · z · σ_resid · √h) around the β-implied move.
//! - Options are marked with the slow EWMA (λ = 0.99/h; a 30-day option's implied vol does
//!   not double in an hour, a fast EWMA can). Its scenarios: down 20 %, up 25 % plus 30 %
//!   per R of price move (after a one-hour move of R = 6.75·σ·√2 the slow EWMA is about
//!   1.4 × its level before).
//! - IM = 1.25 × MM; extremes at ±2R count 35 % (CME SPAN's extreme-move convention).
//! - Floors: 0.5 % of notional per linear position and per short option.
//! - Size add-on: |N| · 1 % · √(|N| / depth), depth $50M (BTC, ETH), $5M (ATOM).

use ballast_risk::model::{Fractions, Instrument, Market, RiskParams};
use ballast_risk::vol::EwmaParams;
use cosmwasm_std::SignedDecimal;

use super::d;

pub const HORIZON_SECS: u64 = 7200;
pub const FUTURE_DAYS: u64 = 90;
pub const OPTION_DAYS: u64 = 30;

pub fn risk_params(now: u64, reference: Option<usize>) -> RiskParams {
    RiskParams {
        z: d("6.75"),
        horizon_secs: HORIZON_SECS,
        im_multiplier: d("1.25"),
        extreme_multiple: d("2"),
        extreme_weight: d("0.35"),
        stress: d("1.25"),
        reference,
        max_vol: d("5"),
        now,
    }
}

pub fn ewma() -> EwmaParams {
    EwmaParams {
        lambda_fast: d("0.96"),
        lambda_slow: d("0.99"),
        period_secs: 3600,
    }
}

pub struct UnderlyingParams {
    pub range_floor: SignedDecimal,
    pub resid_floor: SignedDecimal,
    pub vol_up: SignedDecimal,
    pub vol_jump: SignedDecimal,
    pub vol_down: SignedDecimal,
}

pub fn underlying(name: &str) -> UnderlyingParams {
    let large_cap = matches!(name, "BTC" | "ETH");
    UnderlyingParams {
        // The MMF of the asset's dYdX tier: no scenario range below it.
        range_floor: if large_cap { d("0.03") } else { d("0.05") },
        resid_floor: d("0.02"),
        vol_up: d("0.25"),
        vol_jump: d("0.3"),
        vol_down: d("0.20"),
    }
}

#[allow(non_snake_case)]
pub fn STATOM_WEIGHT() -> SignedDecimal {
    d("0.85")
}

fn depth(name: &str) -> SignedDecimal {
    if matches!(name, "BTC" | "ETH") {
        d("50000000")
    } else {
        d("5000000")
    }
}

pub fn linear_market(underlying: usize, name: &str, instrument: Instrument) -> Market {
    let large_cap = matches!(name, "BTC" | "ETH");
    let (im, mm) = if large_cap {
        ("0.05", "0.03")
    } else {
        ("0.10", "0.05")
    };
    Market {
        underlying,
        instrument,
        initial: Fractions {
            base: d(im),
            option_a: d("0.15"),
            option_b: d("0.10"),
        },
        maintenance: Fractions {
            base: d(mm),
            option_a: d("0.075"),
            option_b: d("0.075"),
        },
        depth: depth(name),
        impact: d("0.01"),
        floor: d("0.005"),
    }
}

pub fn option_market(underlying: usize, instrument: Instrument) -> Market {
    linear_market(underlying, "BTC", instrument)
}
