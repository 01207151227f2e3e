//! Inputs and outputs of the margin engine: plain values, no storage.
//!
//! Units: every amount of money is in settlement units (`SignedDecimal`, 18 decimals);
//! prices are settlement units per unit of the asset; sizes are units of the underlying
//! (signed: positive = long); fractions and volatilities are plain numbers (0.05 = 5 %,
//! σ annualised); times are unix seconds.

use cosmwasm_std::SignedDecimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::black76::OptionKind;

/// Seconds in a year of 365.25 days: the unit of σ and of option time to expiry.
pub const YEAR_SECS: u64 = 31_557_600;

/// An underlying's market data (from the oracle) and its scenario parameters.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct Underlying {
    pub name: String,
    /// Index price (> 0).
    pub price: SignedDecimal,
    /// Annualised volatility σ that sizes the scenario range R, in (0, `RiskParams::max_vol`]:
    /// the oracle's EWMA, the larger of its fast and slow estimates.
    pub vol: SignedDecimal,
    /// Annualised volatility options are marked with, in (0, `max_vol`]: the oracle's slow
    /// EWMA (a 30-day option's implied volatility does not double in an hour; a fast EWMA
    /// can) or an implied-volatility index where one exists.
    pub option_vol: SignedDecimal,
    /// Beta of this underlying's returns to the reference underlying (1 for the reference).
    pub beta: SignedDecimal,
    /// Annualised volatility of the residual (return − beta × reference return).
    pub resid_vol: SignedDecimal,
    /// Minimum scenario range R as a fraction of price, whatever σ says.
    pub range_floor: SignedDecimal,
    /// Minimum size of the correlation-breakdown (idiosyncratic) move, fraction of price.
    pub resid_floor: SignedDecimal,
    /// Relative shocks of `option_vol` in the scenario grid: up is σ·(1 + vol_up +
    /// vol_jump·|m|/R) at a move m (the marking volatility reacts to the move itself), down
    /// is σ·(1 − vol_down).
    pub vol_up: SignedDecimal,
    pub vol_jump: SignedDecimal,
    pub vol_down: SignedDecimal,
}

/// What a market trades.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Perp,
    /// Cash-settled at the index at `expiry`; marked at the index before that.
    Future {
        expiry: u64,
    },
    /// European, cash-settled, Black-76 mark with the underlying's volatility.
    Option {
        expiry: u64,
        strike: SignedDecimal,
        kind: OptionKind,
    },
}

/// Margin fractions of one tier (initial or maintenance).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct Fractions {
    /// Base fraction of notional for perps and futures.
    pub base: SignedDecimal,
    /// Short options: `max(option_a·S − OTM, option_b·S) + mark` per unit.
    pub option_a: SignedDecimal,
    pub option_b: SignedDecimal,
}

/// A listed market and its margin parameters.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct Market {
    /// Index into `RiskContext::underlyings`.
    pub underlying: usize,
    pub instrument: Instrument,
    pub initial: Fractions,
    pub maintenance: Fractions,
    /// Notional (settlement units) the market absorbs at an impact of `impact` × notional:
    /// the size add-on is `|N| · impact · √(|N| / depth)` (square-root impact).
    pub depth: SignedDecimal,
    pub impact: SignedDecimal,
    /// Per-position floor of maintenance margin, fraction of notional (short options and
    /// linear positions; long options have none).
    pub floor: SignedDecimal,
}

/// How a collateral asset co-moves with an underlying in the stress scenarios.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct CollateralLink {
    pub underlying: usize,
    pub beta: SignedDecimal,
}

/// A listed collateral asset.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct CollateralAsset {
    pub name: String,
    /// Price in settlement units (> 0).
    pub price: SignedDecimal,
    /// Collateral weight in (0, 1]: the value counted is amount × price × weight.
    pub weight: SignedDecimal,
    /// Stress-scenario link; without one the haircut alone covers the asset's risk.
    pub link: Option<CollateralLink>,
}

/// Engine-wide risk parameters.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct RiskParams {
    /// Confidence multiple of σ over the horizon: R = max(floor, z·σ·√h).
    pub z: SignedDecimal,
    /// Liquidation horizon in seconds (default 2 hours).
    pub horizon_secs: u64,
    /// IM = MM × im_multiplier (≥ 1); standard IM uses it on the volatility term too.
    pub im_multiplier: SignedDecimal,
    /// Extreme scenarios move ±extreme_multiple × R ...
    pub extreme_multiple: SignedDecimal,
    /// ... and count at this weight, in (0, 1].
    pub extreme_weight: SignedDecimal,
    /// Stress multiplier on the residual volatility of the correlation-breakdown move.
    pub stress: SignedDecimal,
    /// Index of the reference underlying of the factor model (usually BTC); `None` treats
    /// every underlying as independent.
    pub reference: Option<usize>,
    /// Largest volatility accepted as input (an absurd σ is an error, not a margin).
    pub max_vol: SignedDecimal,
    /// Block time: options and futures are valued at this instant.
    pub now: u64,
}

/// Everything market-wide the engine needs (shared by every account it margins).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct RiskContext {
    pub underlyings: Vec<Underlying>,
    pub markets: Vec<Market>,
    pub collaterals: Vec<CollateralAsset>,
    pub params: RiskParams,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct Position {
    /// Index into `RiskContext::markets`.
    pub market: usize,
    /// Signed size in units of the underlying (> 0 long).
    pub size: SignedDecimal,
    /// The position's value is `size × (mark − entry_price)`. Linear positions keep their
    /// average entry here; an option whose premium was paid in cash has entry price 0.
    pub entry_price: SignedDecimal,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct Holding {
    /// Index into `RiskContext::collaterals`.
    pub asset: usize,
    /// Amount held (≥ 0).
    pub amount: SignedDecimal,
}

/// An account snapshot.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct Account {
    /// Signed balance of the settlement asset (may be negative: borrowing).
    pub settlement: SignedDecimal,
    pub collateral: Vec<Holding>,
    pub positions: Vec<Position>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MarginMode {
    /// Standard margin; positions only in this market.
    Isolated { market: usize },
    /// Standard margin summed over all positions against one collateral pool.
    Cross,
    /// Scenario-based margin of the whole portfolio.
    Portfolio,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct Greeks {
    pub underlying: usize,
    /// ∂V/∂S in units of the underlying (collateral linked by beta included).
    pub delta: SignedDecimal,
    /// ∂²V/∂S² in units of the underlying per settlement unit of price.
    pub gamma: SignedDecimal,
    /// ∂V/∂σ per 1 volatility point (0.01), settlement units.
    pub vega: SignedDecimal,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum VolShock {
    None,
    Up,
    Down,
}

/// One scenario of the grid: the move of each underlying, the volatility shock, the weight.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct Scenario {
    /// (underlying, relative price move) for every underlying the account touches.
    pub moves: Vec<(usize, SignedDecimal)>,
    pub vol_shock: VolShock,
    /// 1 for the core grid, `extreme_weight` for the extreme moves.
    pub weight: SignedDecimal,
    /// Weighted loss of the account in this scenario (settlement units).
    pub loss: SignedDecimal,
}

/// The engine's answer for one account.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct MarginReport {
    pub mode: MarginMode,
    /// settlement + Σ weighted collateral + Σ position values (rounded down).
    pub equity: SignedDecimal,
    pub initial_margin: SignedDecimal,
    pub maintenance_margin: SignedDecimal,
    /// equity ÷ maintenance margin; `None` when nothing is required.
    pub health: Option<SignedDecimal>,
    /// Sum of the per-position floors (the least maintenance margin can be).
    pub floor: SignedDecimal,
    /// Size (depth) add-on included in the margins.
    pub liquidity_addon: SignedDecimal,
    pub greeks: Vec<Greeks>,
    /// Portfolio mode: the scenario that sets the margin. Standard modes: `None`.
    pub worst_scenario: Option<Scenario>,
    /// Σ |size| × index price over positions.
    pub gross_notional: SignedDecimal,
    /// Σ amount × price over collateral plus a positive settlement balance (no haircut).
    pub collateral_value: SignedDecimal,
    /// gross notional ÷ collateral value; `None` without collateral.
    pub capital_efficiency: Option<SignedDecimal>,
}
