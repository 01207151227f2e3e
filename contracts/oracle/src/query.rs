//! Queries. A price is served only when it is fresh, came from a quorum and no jump is
//! pending: a stale or unconfirmed price is an error, never an old value passed as fresh.

use cosmwasm_std::{Deps, Env, Order, SignedDecimal};
use cw_storage_plus::Bound;

use ballast_types::oracle::{
    AssetResponse, ConfigResponse, FeederSubmission, PriceResponse, QuoteResponse,
    VolatilityResponse,
};

use crate::error::{ContractError, ContractResult};
use crate::execute::admin::feeder_submissions;
use crate::execute::push::ewma;
use crate::state::{ACCEPTED, ASSETS, PENDING_JUMP, REFERENCE, VOLATILITY};

pub const MAX_PRICES: usize = 50;

fn unknown(asset: &str) -> ContractError {
    ContractError::UnknownAsset {
        asset: asset.to_string(),
    }
}

pub fn price(deps: Deps, env: &Env, asset: &str) -> ContractResult<PriceResponse> {
    let stored = ASSETS
        .may_load(deps.storage, asset)?
        .ok_or_else(|| unknown(asset))?;
    let accepted =
        ACCEPTED
            .may_load(deps.storage, asset)?
            .ok_or_else(|| ContractError::NoPrice {
                asset: asset.to_string(),
            })?;
    if let Some(p) = PENDING_JUMP.may_load(deps.storage, asset)? {
        return Err(ContractError::JumpPending {
            asset: asset.to_string(),
            last: accepted.price.to_string(),
            pending: p.price.to_string(),
        });
    }
    let now = env.block.time.seconds();
    let staleness_secs = stored.config.staleness_secs;
    if accepted.publish_time.saturating_add(staleness_secs) < now {
        return Err(ContractError::StalePrice {
            asset: asset.to_string(),
            publish_time: accepted.publish_time,
            staleness_secs,
            now,
        });
    }
    Ok(PriceResponse {
        asset: asset.to_string(),
        price: accepted.price,
        publish_time: accepted.publish_time,
        accepted_at: accepted.accepted_at,
    })
}

pub fn prices(deps: Deps, env: &Env, assets: Vec<String>) -> ContractResult<Vec<PriceResponse>> {
    check_count(assets.len())?;
    assets.iter().map(|a| price(deps, env, a)).collect()
}

/// A batched query names at most [`MAX_PRICES`] assets (bounded work per query).
fn check_count(count: usize) -> ContractResult<()> {
    if count > MAX_PRICES {
        return Err(ContractError::TooManyAssets {
            count,
            max: MAX_PRICES,
        });
    }
    Ok(())
}

/// Price and volatility of each asset, in the order asked, from [`price`] and [`volatility`]
/// (so the same checks: any unavailable price fails the whole query). At most
/// [`MAX_PRICES`] assets.
pub fn quotes(deps: Deps, env: &Env, assets: Vec<String>) -> ContractResult<Vec<QuoteResponse>> {
    check_count(assets.len())?;
    assets
        .iter()
        .map(|a| {
            let p = price(deps, env, a)?;
            let v = volatility(deps, a)?;
            Ok(QuoteResponse {
                asset: p.asset,
                price: p.price,
                publish_time: p.publish_time,
                vol: v.vol,
                slow_vol: v.slow_vol,
                beta: v.beta,
                resid_vol: v.resid_vol,
            })
        })
        .collect()
}

pub fn volatility(deps: Deps, asset: &str) -> ContractResult<VolatilityResponse> {
    let stored = ASSETS
        .may_load(deps.storage, asset)?
        .ok_or_else(|| unknown(asset))?;
    let state =
        VOLATILITY
            .may_load(deps.storage, asset)?
            .ok_or_else(|| ContractError::NoPrice {
                asset: asset.to_string(),
            })?;
    let params = ewma(&stored.config)?;
    let reference = REFERENCE.may_load(deps.storage)?;
    let (beta, resid_vol, est) = match reference.as_deref() {
        Some(r) if r == asset => {
            let est = state.moments.estimate(&params, &state.moments)?;
            (SignedDecimal::one(), SignedDecimal::zero(), est)
        }
        Some(r) => {
            let ref_moments = VOLATILITY
                .may_load(deps.storage, r)?
                .unwrap_or_default()
                .moments;
            let est = state.moments.estimate(&params, &ref_moments)?;
            (est.beta, est.resid_vol, est)
        }
        None => {
            let est = state.moments.estimate(&params, &state.moments)?;
            (SignedDecimal::zero(), est.vol, est)
        }
    };
    Ok(VolatilityResponse {
        asset: asset.to_string(),
        vol: est.vol,
        slow_vol: est.slow_vol,
        beta,
        resid_vol,
        samples: state.moments.updates,
    })
}

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    Ok(ConfigResponse {
        reference: REFERENCE.may_load(deps.storage)?,
    })
}

pub fn assets(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> ContractResult<Vec<AssetResponse>> {
    let limit = ballast_types::pagination::page_limit(limit);
    let start = start_after.as_deref().map(Bound::exclusive);
    ASSETS
        .range(deps.storage, start, None, Order::Ascending)
        .take(limit)
        .map(|item| {
            let (asset, stored) = item?;
            Ok(AssetResponse {
                asset,
                config: stored.config,
            })
        })
        .collect()
}

pub fn submissions(deps: Deps, asset: &str) -> ContractResult<Vec<FeederSubmission>> {
    ASSETS
        .may_load(deps.storage, asset)?
        .ok_or_else(|| unknown(asset))?;
    Ok(feeder_submissions(&deps, asset)?
        .into_iter()
        .map(|(feeder, o)| FeederSubmission {
            feeder: feeder.to_string(),
            price: o.price,
            publish_time: o.publish_time,
        })
        .collect())
}
