//! Messages of the oracle contract: feeders push prices, everyone queries medians and
//! volatilities.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Decimal, SignedDecimal};

#[cw_serde]
pub struct InstantiateMsg {
    /// Owner: lists assets and their feeders.
    pub owner: String,
}

/// Per-asset settings, validated on `SetAsset`.
#[cw_serde]
pub struct AssetConfig {
    /// Addresses allowed to push this asset's price (1..=32, no duplicates).
    pub feeders: Vec<String>,
    /// Fresh submissions needed for an answer (1..=number of feeders).
    pub quorum: u32,
    /// A submission older than this (seconds, by its publish time) is not counted, and an
    /// answer whose oldest input is older than this is stale.
    pub staleness_secs: u64,
    /// A new median further than this fraction from the last accepted price is held as a
    /// pending jump until confirmed (e.g. 0.1 = 10 %); in (0, 10].
    pub max_jump: Decimal,
    /// Distinct feeders' fresh submissions within `max_jump` of a jumped median that accept
    /// it at once (≥ quorum; a value above the number of feeders means: only a later update
    /// confirms). A later block confirms a held jump when max(quorum, 2) distinct feeders'
    /// fresh submissions lie within `max_jump` of the median (1 for a single-feeder asset).
    /// Any price is accepted only when at least `quorum` fresh submissions lie within
    /// `max_jump` of it.
    pub confirmations: u32,
    /// EWMA decay per period of the fast and slow variance, in (0, 1).
    pub lambda_fast: Decimal,
    pub lambda_slow: Decimal,
    /// One volatility sample per this many seconds (e.g. 3600).
    pub period_secs: u64,
    /// Prior annualised σ the averages start from at the first price (e.g. 0.6 for BTC,
    /// from history); in [0, 20]. Without one the first return alone seeds them, so a
    /// young asset's first hour decides its volatility for days.
    #[serde(default)]
    pub initial_vol: Option<Decimal>,
}

#[cw_serde]
pub struct Submission {
    pub asset: String,
    /// Price in settlement units per unit of the asset (> 0, at most `SignedDecimal::MAX`).
    pub price: Decimal,
    /// When the feeder observed it (unix seconds; not in the future).
    pub publish_time: u64,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Owner: list an asset or replace its configuration (submissions of removed feeders
    /// are dropped).
    SetAsset { asset: String, config: AssetConfig },
    /// Owner: set (or clear) the reference asset of the volatility factor model; β and
    /// residual volatility of every other asset are measured against it.
    SetReference { asset: Option<String> },
    /// Owner: remove an asset and its data.
    RemoveAsset { asset: String },
    /// Feeder: push one or more prices.
    Push { submissions: Vec<Submission> },
    /// Two-step ownership transfer (cw-ownable): the owner proposes, the new owner accepts.
    UpdateOwnership(cw_ownable::Action),
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The asset's current median; errors when stale, below quorum or a jump is pending.
    #[returns(PriceResponse)]
    Price { asset: String },
    /// Several prices at once (at most 50 assets); errors if any one is unavailable.
    #[returns(Vec<PriceResponse>)]
    Prices { assets: Vec<String> },
    /// The asset's EWMA volatility, annualised.
    #[returns(VolatilityResponse)]
    Volatility { asset: String },
    /// Prices with volatilities of several assets in one query (at most 50): what a margin
    /// report needs. Errors if any price is unavailable (stale, no quorum, jump pending), like `Price`.
    #[returns(Vec<QuoteResponse>)]
    Quotes { assets: Vec<String> },
    #[returns(ConfigResponse)]
    Config {},
    #[returns(cw_ownable::Ownership<String>)]
    Ownership {},
    /// Listed assets in name order, paginated (limit ≤ 30).
    #[returns(Vec<AssetResponse>)]
    Assets {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// The latest submission of each feeder of an asset.
    #[returns(Vec<FeederSubmission>)]
    Submissions { asset: String },
}

#[cw_serde]
pub struct PriceResponse {
    pub asset: String,
    pub price: Decimal,
    /// Publish time of the oldest submission inside the median (what staleness is judged by).
    pub publish_time: u64,
    /// Block time at which this price was accepted.
    pub accepted_at: u64,
}

#[cw_serde]
pub struct VolatilityResponse {
    pub asset: String,
    /// max(fast, slow), annualised: what margin ranges use.
    pub vol: SignedDecimal,
    /// slow, annualised: what options are marked with.
    pub slow_vol: SignedDecimal,
    /// β of the asset's returns to the reference asset's (1 for the reference itself, 0
    /// without a reference).
    pub beta: SignedDecimal,
    /// Annualised residual volatility against the reference (the whole `vol` without one).
    pub resid_vol: SignedDecimal,
    /// Number of samples folded in (a young estimate is less reliable).
    pub samples: u32,
}

/// One asset's answer to `Quotes`: its `Price` and `Volatility` answers together.
#[cw_serde]
pub struct QuoteResponse {
    pub asset: String,
    pub price: Decimal,
    /// Publish time of the oldest submission inside the median, as in `PriceResponse`.
    pub publish_time: u64,
    /// The same figures as `VolatilityResponse` (max(fast, slow), slow, beta, residual).
    pub vol: SignedDecimal,
    pub slow_vol: SignedDecimal,
    pub beta: SignedDecimal,
    pub resid_vol: SignedDecimal,
}

#[cw_serde]
pub struct ConfigResponse {
    /// The reference asset of the volatility factor model.
    pub reference: Option<String>,
}

#[cw_serde]
pub struct AssetResponse {
    pub asset: String,
    pub config: AssetConfig,
}

#[cw_serde]
pub struct FeederSubmission {
    pub feeder: String,
    pub price: Decimal,
    pub publish_time: u64,
}

/// What other contracts ask the oracle and read of its answers, on their own: the
/// `Quotes` query and the fields of a `QuoteResponse` a margin report needs (fields it
/// does not read are ignored, so the oracle may answer more). Tested against the full
/// message and response.
pub mod wire {
    use cosmwasm_std::{Decimal, SignedDecimal};
    use serde::{Deserialize, Serialize};

    /// `QueryMsg::Quotes`.
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum QuotesQuery<'a> {
        Quotes { assets: &'a [String] },
    }

    /// One asset of the `Quotes` answer, as a margin report reads it.
    #[derive(Deserialize)]
    pub struct Quote {
        pub asset: String,
        pub price: Decimal,
        pub vol: SignedDecimal,
        pub slow_vol: SignedDecimal,
        pub beta: SignedDecimal,
        pub resid_vol: SignedDecimal,
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::oracle::{QueryMsg, QuoteResponse};
        use cosmwasm_std::{from_json, to_json_binary};

        #[test]
        fn quotes_wire_matches_the_full_query_and_answer() {
            let assets = vec!["BTC".to_string(), "ATOM".to_string()];
            assert_eq!(
                to_json_binary(&QuotesQuery::Quotes { assets: &assets }).unwrap(),
                to_json_binary(&QueryMsg::Quotes {
                    assets: assets.clone()
                })
                .unwrap()
            );
            let full = QuoteResponse {
                asset: "BTC".into(),
                price: "60000".parse().unwrap(),
                publish_time: 1,
                vol: SignedDecimal::percent(60),
                slow_vol: SignedDecimal::percent(50),
                beta: SignedDecimal::one(),
                resid_vol: SignedDecimal::percent(10),
            };
            let read: Quote = from_json(to_json_binary(&full).unwrap()).unwrap();
            assert_eq!(
                (
                    read.asset,
                    read.price,
                    read.vol,
                    read.slow_vol,
                    read.beta,
                    read.resid_vol
                ),
                (
                    full.asset,
                    full.price,
                    full.vol,
                    full.slow_vol,
                    full.beta,
                    full.resid_vol
                )
            );
        }
    }
}
