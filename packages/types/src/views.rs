//! Messages of the views contract: the clearinghouse's read-only lists and protocol-wide
//! figures, served from the clearinghouse's own storage (raw reads, and `RawRange` for
//! lists) so the clearinghouse keeps its wasm for what moves funds. The JSON of every query
//! is the one the clearinghouse answered before; only the address changes.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Empty;

// Named only in `#[returns]`, which the schema derive drops when building for wasm.
#[cfg_attr(target_arch = "wasm32", allow(unused_imports))]
use crate::clearinghouse::{
    AccountResponse, NamedCollateral, NamedMarket, NamedUnderlying, OrderStatus, Page,
    TotalsResponse,
};

#[cw_serde]
pub struct InstantiateMsg {
    /// The clearinghouse whose storage this contract reads.
    pub clearinghouse: String,
}

#[cw_serde]
pub struct MigrateMsg {}

/// No message changes anything here.
#[cw_serde]
pub enum ExecuteMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The clearinghouse read.
    #[returns(ConfigResponse)]
    Config(Empty),
    /// The clearinghouse's owner and pending owner (cw-ownable).
    #[returns(cw_ownable::Ownership<String>)]
    Ownership(Empty),
    /// Listed underlyings, paginated in name order (limit ≤ 30).
    #[returns(Vec<NamedUnderlying>)]
    Underlyings(Page),
    /// Listed collateral, paginated in id order (limit ≤ 30).
    #[returns(Vec<NamedCollateral>)]
    Collaterals(Page),
    /// Listed markets, paginated in id order (limit ≤ 30).
    #[returns(Vec<NamedMarket>)]
    Markets(Page),
    /// An owner's accounts in sub-id order (limit ≤ 30).
    #[returns(Vec<AccountResponse>)]
    Accounts {
        /// Bech32 address of the owner.
        owner: String,
        /// List sub-ids above this one.
        start_after: Option<u32>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// How much of an order has been filled, and whether it is cancelled.
    #[returns(OrderStatus)]
    OrderStatus(crate::order::Order),
    /// Fees, the clearing balance and the liquidation figures, protocol-wide.
    #[returns(TotalsResponse)]
    Totals(Empty),
}

#[cw_serde]
pub struct ConfigResponse {
    /// The clearinghouse whose storage is read.
    pub clearinghouse: String,
}
