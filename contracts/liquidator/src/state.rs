//! Storage. The meaning of every key is written next to it; retired keys are never reused.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, SignedDecimal, Uint128};
use cw_storage_plus::{Item, Map};

use ballast_types::liquidation::AccountRef;
use ballast_types::liquidator::{CurveConfig, LotEvent};

// The owner lives in cw-ownable's own key ("ownership").
pub const CONFIG: Item<Config> = Item::new("config");
/// lot id (the clearinghouse's) → the auction of that lot and whose it is.
pub const LOTS: Map<u64, Auction> = Map::new("lots");
/// lot id → present while the lot is active (what `Lots` lists).
pub const ACTIVE: Map<u64, ()> = Map::new("active");
/// (lot id, sequence) → what happened to the lot.
pub const HISTORY: Map<(u64, u32), LotEvent> = Map::new("history");

#[cw_serde]
pub struct Config {
    pub clearinghouse: Addr,
    pub curve: CurveConfig,
    /// Asked to bid at the floor before a redo (absent in configs stored before backstops).
    #[serde(default)]
    pub backstop: Option<Addr>,
}

/// The bid waiting for the clearinghouse's fill (the reply records it with what was paid).
pub const PENDING_BID: Item<PendingBid> = Item::new("pending_bid");

#[cw_serde]
pub struct PendingBid {
    pub lot: u64,
    pub bidder: String,
    pub sub_id: u32,
    pub fraction: Decimal,
}

/// (lot, keeper) of the redo waiting for the backstop's answer (the reply finishes it).
pub const PENDING_REDO: Item<(u64, Addr)> = Item::new("pending_redo");

/// The account `Liquidate` asked the clearinghouse to seize (the reply starts its lot).
pub const PENDING_SEIZE: Item<AccountRef> = Item::new("pending_seize");

/// (account, settlement denom) whose deficit the pool was asked to cover (the reply
/// forwards what it paid).
pub const PENDING_COVER: Item<(AccountRef, String)> = Item::new("pending_cover");

/// The lot whose deleveraging fills are under way (each fill's reply reads it).
pub const PENDING_DELEVERAGE: Item<u64> = Item::new("pending_deleverage");

#[cw_serde]
pub struct Auction {
    /// The liquidated account.
    pub account: AccountRef,
    /// The curve the lot runs on (fixed at its start).
    pub curve: CurveConfig,
    /// Start of the current run (start or last redo).
    pub started: u64,
    pub start_value: SignedDecimal,
    pub start_gross: SignedDecimal,
    pub debt: Uint128,
    /// Share of the original lot still unsold.
    pub remaining: Decimal,
    pub redos: u32,
    pub active: bool,
    /// Events recorded so far (the next event's sequence number).
    pub events: u32,
}
