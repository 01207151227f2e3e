//! Storage. The meaning of every key is written next to it; retired keys are never reused.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Int128, SignedDecimal, Uint128};
use cw_storage_plus::{Item, Map};

use ballast_types::clearinghouse::{
    AccountMode, CollateralConfig, FundingConfig, MarketConfig, RiskConfig, UnderlyingConfig,
};
use ballast_types::liquidation::{LiquidationConfig, LossesResponse, LotCollateral, LotPosition};

// The owner lives in cw-ownable's own key ("ownership").
pub const CONFIG: Item<Config> = Item::new("config");

/// underlying name → its configuration.
pub const UNDERLYINGS: Map<&str, UnderlyingConfig> = Map::new("underlyings");
/// collateral id → its configuration.
pub const COLLATERALS: Map<&str, CollateralConfig> = Map::new("collaterals");
/// collateral id → total deposited across all accounts.
pub const COLLATERAL_TOTAL: Map<&str, Uint128> = Map::new("collateral_total");
// Retired: "collateral_by_asset" (native denoms and cw20 addresses in one namespace).
/// (asset kind: "native" | "cw20", denom or address) → collateral id (to recognise incoming
/// funds; a native denom spelled like a cw20 address is another asset).
pub const COLLATERAL_BY_ASSET: Map<(&str, &str), String> = Map::new("collateral_by_kind");
/// market id → its configuration.
pub const MARKETS: Map<&str, MarketConfig> = Map::new("markets");
/// (owner, sub_id) → the account.
pub const ACCOUNTS: Map<(&Addr, u32), Account> = Map::new("accounts");
/// (owner, sub_id, collateral id) → amount held (absent when zero).
pub const HOLDINGS: Map<(&Addr, u32, &str), Uint128> = Map::new("holdings");

/// (owner, sub_id, market id) → the account's position in that market (absent when flat).
pub const POSITIONS: Map<(&Addr, u32, &str), Position> = Map::new("positions");
/// order hash → size filled so far.
pub const FILLED: Map<&[u8], Decimal> = Map::new("filled");
/// order hash → cancelled by its owner.
pub const CANCELLED: Map<&[u8], bool> = Map::new("cancelled");
/// (owner, sub_id) → orders with a lower nonce are cancelled.
pub const MIN_NONCE: Map<(&Addr, u32), u64> = Map::new("min_nonce");
/// market id → open interest (sum of long sizes).
pub const OPEN_INTEREST: Map<&str, Decimal> = Map::new("open_interest");
/// Fees collected, settlement base units (the rounding of every transfer lands here too).
pub const FEES: Item<Uint128> = Item::new("fees");
/// (market id, owner, sub_id) → present while the account holds a position in the market:
/// lets `Crank` settle an expired market's holders a page at a time.
pub const HOLDERS: Map<(&str, &Addr, u32), ()> = Map::new("holders");
/// perp market id → its funding state (absent until first touched).
pub const FUNDING: Map<&str, FundingState> = Map::new("funding");
/// dated market id → settlement price (whole settlement units per unit), fixed by the first
/// touch at or after expiry.
pub const EXPIRY_PRICE: Map<&str, Decimal> = Map::new("expiry_price");
/// The clearing balance, settlement base units: funding and expiry cash that one side has
/// settled and the other not yet, plus their rounding. Token balances of the settlement
/// denom = Σ account settlement + FEES + CLEARING, exactly.
pub const CLEARING: Item<Int128> = Item::new("clearing");

/// lot id → a liquidation lot (kept after it closes, for queries).
pub const LOTS: Map<u64, Lot> = Map::new("lots");
/// The last lot id handed out.
pub const LOT_SEQ: Item<u64> = Item::new("lot_seq");
/// (owner, sub_id) → the open lot that freezes the account (no trades, withdrawals or mode
/// changes; deposits are welcome).
pub const FROZEN: Map<(&Addr, u32), u64> = Map::new("frozen");
/// Protocol-wide liquidation figures.
pub const LOSSES: Item<LossesResponse> = Item::new("losses");

#[cw_serde]
pub struct Lot {
    pub owner: Addr,
    pub sub_id: u32,
    pub positions: Vec<LotPosition>,
    pub collateral: Vec<LotCollateral>,
    pub debt: Uint128,
    pub open: bool,
}

#[cw_serde]
#[derive(Default)]
pub struct FundingState {
    /// Cumulative funding per unit, settlement base units (longs pay its increase).
    pub cumulative: SignedDecimal,
    /// Exponential average of trade premiums over the index (fraction).
    pub premium: SignedDecimal,
    /// Time `cumulative` is accrued to (seconds).
    pub updated: u64,
}

#[cw_serde]
pub struct Position {
    /// Signed size, units of the underlying.
    pub size: SignedDecimal,
    /// Average entry price, settlement base units per unit (display and the engine's
    /// unrealised-PnL split; the quote balance already holds what was paid).
    pub entry_price: SignedDecimal,
    /// The market's cumulative funding when this position last settled (perps).
    #[serde(default)]
    pub funding_index: SignedDecimal,
}

#[cw_serde]
pub struct Config {
    pub oracle: Addr,
    pub settlement_denom: String,
    pub settlement_decimals: u8,
    pub risk: RiskConfig,
    pub funding: FundingConfig,
    /// Set by the owner before any liquidation can run (addresses validated).
    #[serde(default)]
    pub liquidation: Option<LiquidationConfig>,
}

#[cw_serde]
pub struct Account {
    pub mode: AccountMode,
    /// Signed settlement balance in base units.
    pub settlement: Int128,
    /// An address whose signed orders trade for this account (never withdraw); absent in
    /// accounts stored before agents existed, and left out of the JSON when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Addr>,
    /// The part of a negative balance already sent down the loss waterfall and recorded as
    /// bad debt (what the insurance pool could not cover), base units. It shrinks as the
    /// balance recovers, so only a new shortfall is ever covered again.
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub recorded_debt: Uint128,
}

/// Listing limits: they bound every loop over listed items in an execute path.
pub const MAX_UNDERLYINGS: usize = 32;
pub const MAX_COLLATERALS: usize = 16;
pub const MAX_MARKETS: usize = 256;
/// Positions one account may hold (one per market): bounds the work of every margin report
/// and liquidation of the account (the real-VM bench liquidates an account at this cap).
pub const MAX_POSITIONS: usize = 32;
/// Token decimals the price scaling supports (10^18 is the largest exact power in Decimal).
pub const MAX_DECIMALS: u8 = 18;
