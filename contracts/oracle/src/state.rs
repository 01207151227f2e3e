//! Storage. Keys are never reused: a retired key keeps its name here, commented out.

use ballast_risk::vol::Moments;
use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal};
use cw_storage_plus::{Item, Map};

use ballast_types::oracle::AssetConfig;

// The owner lives in cw-ownable's own key ("ownership").

/// asset → its configuration with checked feeder addresses.
pub const ASSETS: Map<&str, StoredAsset> = Map::new("assets");
/// (asset, feeder) → the feeder's latest submission.
pub const SUBMISSIONS: Map<(&str, &Addr), Observation> = Map::new("submissions");
/// asset → the last accepted median.
pub const ACCEPTED: Map<&str, Accepted> = Map::new("accepted");
/// asset → a median that jumped beyond `max_jump` and awaits confirmation.
pub const PENDING_JUMP: Map<&str, Pending> = Map::new("pending_jump");
/// The reference asset of the factor model (β and residual volatility are against it).
pub const REFERENCE: Item<String> = Item::new("reference");
/// asset → EWMA volatility state.
pub const VOLATILITY: Map<&str, VolState> = Map::new("volatility");

#[cw_serde]
pub struct StoredAsset {
    pub feeders: Vec<Addr>,
    /// The configuration as given (feeders as strings), for queries.
    pub config: AssetConfig,
}

#[cw_serde]
pub struct Observation {
    pub price: Decimal,
    pub publish_time: u64,
}

#[cw_serde]
pub struct Accepted {
    pub price: Decimal,
    /// Oldest publish time among the submissions of the median.
    pub publish_time: u64,
    pub accepted_at: u64,
}

#[cw_serde]
pub struct Pending {
    pub price: Decimal,
    pub publish_time: u64,
    /// Block time when the jump was first seen: only a later block can confirm it.
    pub seen_at: u64,
}

#[cw_serde]
#[derive(Default)]
pub struct VolState {
    pub moments: Moments,
    /// Last sampled (price, block time).
    pub last_sample: Option<(Decimal, u64)>,
    /// The reference's accepted price when this asset was last sampled.
    pub ref_price_at_sample: Option<Decimal>,
}
