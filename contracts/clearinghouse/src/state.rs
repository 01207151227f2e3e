//! Storage. The meaning of every key is written next to it; retired keys are never reused.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Int128, Uint128};
use cw_storage_plus::{Item, Map};

use ballast_types::clearinghouse::{
    AccountMode, CollateralConfig, MarketConfig, RiskConfig, UnderlyingConfig,
};

// The owner lives in cw-ownable's own key ("ownership").
pub const CONFIG: Item<Config> = Item::new("config");

/// underlying name → its configuration.
pub const UNDERLYINGS: Map<&str, UnderlyingConfig> = Map::new("underlyings");
/// collateral id → its configuration.
pub const COLLATERALS: Map<&str, CollateralConfig> = Map::new("collaterals");
/// collateral id → total deposited across all accounts.
pub const COLLATERAL_TOTAL: Map<&str, Uint128> = Map::new("collateral_total");
/// native denom or cw20 address → collateral id (to recognise incoming funds).
pub const COLLATERAL_BY_ASSET: Map<&str, String> = Map::new("collateral_by_asset");
/// market id → its configuration.
pub const MARKETS: Map<&str, MarketConfig> = Map::new("markets");
/// (owner, sub_id) → the account.
pub const ACCOUNTS: Map<(&Addr, u32), Account> = Map::new("accounts");
/// (owner, sub_id, collateral id) → amount held (absent when zero).
pub const HOLDINGS: Map<(&Addr, u32, &str), Uint128> = Map::new("holdings");
/// Settlement tokens the contract holds for accounts (Σ positive balances − Σ debts is what
/// the ledger owes; this is the token count, kept for the conservation check).
pub const SETTLEMENT_TOTAL: Item<Int128> = Item::new("settlement_total");

#[cw_serde]
pub struct Config {
    pub oracle: Addr,
    pub settlement_denom: String,
    pub settlement_decimals: u8,
    pub risk: RiskConfig,
}

#[cw_serde]
pub struct Account {
    pub mode: AccountMode,
    /// Signed settlement balance in base units.
    pub settlement: Int128,
}

/// Listing limits: they bound every loop over listed items in an execute path.
pub const MAX_UNDERLYINGS: usize = 32;
pub const MAX_COLLATERALS: usize = 16;
pub const MAX_MARKETS: usize = 256;
/// Token decimals the price scaling supports (10^18 is the largest exact power in Decimal).
pub const MAX_DECIMALS: u8 = 18;
