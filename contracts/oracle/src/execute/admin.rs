//! Owner actions: list, change and remove assets; two-step ownership transfer.

use cosmwasm_std::{Addr, Decimal, DepsMut, MessageInfo, Order, Response, StdResult};

use ballast_types::oracle::AssetConfig;

use crate::error::{ContractError, ContractResult};
use crate::state::{
    StoredAsset, ACCEPTED, ASSETS, PENDING_JUMP, REFERENCE, SUBMISSIONS, VOLATILITY,
};

/// Most feeders one asset may have: bounds the work of every push.
pub const MAX_FEEDERS: usize = 32;
const MAX_ASSET_NAME: usize = 64;

pub fn ensure_owner(deps: &DepsMut, sender: &Addr) -> ContractResult<()> {
    cw_ownable::assert_owner(deps.storage, sender).map_err(|_| ContractError::Unauthorized {})
}

fn invalid(asset: &str, reason: impl Into<String>) -> ContractError {
    ContractError::InvalidConfig {
        asset: asset.to_string(),
        reason: reason.into(),
    }
}

/// Checks a configuration and its feeder addresses.
fn validate(deps: &DepsMut, asset: &str, c: &AssetConfig) -> ContractResult<Vec<Addr>> {
    if asset.is_empty() || asset.len() > MAX_ASSET_NAME {
        return Err(invalid(asset, "asset name must have 1 to 64 characters"));
    }
    if c.feeders.is_empty() || c.feeders.len() > MAX_FEEDERS {
        return Err(invalid(asset, format!("1 to {MAX_FEEDERS} feeders")));
    }
    let mut feeders = Vec::with_capacity(c.feeders.len());
    for f in &c.feeders {
        let addr = deps.api.addr_validate(f)?;
        if feeders.contains(&addr) {
            return Err(invalid(asset, format!("feeder {f} listed twice")));
        }
        feeders.push(addr);
    }
    let n = feeders.len() as u32;
    if c.quorum == 0 || c.quorum > n {
        return Err(invalid(asset, format!("quorum must lie in 1..={n}")));
    }
    if c.confirmations < c.quorum {
        return Err(invalid(asset, "confirmations must be at least the quorum"));
    }
    if c.staleness_secs == 0 || c.staleness_secs > 86_400 {
        return Err(invalid(asset, "staleness must lie in 1..=86400 seconds"));
    }
    if c.max_jump.is_zero() || c.max_jump > Decimal::from_ratio(10u8, 1u8) {
        return Err(invalid(asset, "max_jump must lie in (0, 10]"));
    }
    for (name, l) in [
        ("lambda_fast", c.lambda_fast),
        ("lambda_slow", c.lambda_slow),
    ] {
        if l.is_zero() || l >= Decimal::one() {
            return Err(invalid(asset, format!("{name} must lie in (0, 1)")));
        }
    }
    if c.period_secs == 0 {
        return Err(invalid(asset, "period_secs must be positive"));
    }
    if c.initial_vol
        .is_some_and(|v| v > Decimal::from_ratio(20u8, 1u8))
    {
        return Err(invalid(asset, "initial_vol must lie in [0, 20]"));
    }
    Ok(feeders)
}

pub fn set_asset(
    deps: DepsMut,
    info: MessageInfo,
    asset: String,
    config: AssetConfig,
) -> ContractResult<Response> {
    ensure_owner(&deps, &info.sender)?;
    let feeders = validate(&deps, &asset, &config)?;
    // Submissions of feeders no longer listed must not count.
    if let Some(old) = ASSETS.may_load(deps.storage, &asset)? {
        for f in old.feeders.iter().filter(|f| !feeders.contains(f)) {
            SUBMISSIONS.remove(deps.storage, (&asset, f));
        }
    }
    ASSETS.save(deps.storage, &asset, &StoredAsset { feeders, config })?;
    Ok(Response::new()
        .add_attribute("action", "set_asset")
        .add_attribute("asset", asset))
}

pub fn remove_asset(deps: DepsMut, info: MessageInfo, asset: String) -> ContractResult<Response> {
    ensure_owner(&deps, &info.sender)?;
    let stored =
        ASSETS
            .may_load(deps.storage, &asset)?
            .ok_or_else(|| ContractError::UnknownAsset {
                asset: asset.clone(),
            })?;
    // Bounded: at most MAX_FEEDERS submissions.
    for f in &stored.feeders {
        SUBMISSIONS.remove(deps.storage, (&asset, f));
    }
    if REFERENCE.may_load(deps.storage)?.as_deref() == Some(asset.as_str()) {
        REFERENCE.remove(deps.storage);
    }
    ASSETS.remove(deps.storage, &asset);
    ACCEPTED.remove(deps.storage, &asset);
    PENDING_JUMP.remove(deps.storage, &asset);
    VOLATILITY.remove(deps.storage, &asset);
    Ok(Response::new()
        .add_attribute("action", "remove_asset")
        .add_attribute("asset", asset))
}

pub fn set_reference(
    deps: DepsMut,
    info: MessageInfo,
    asset: Option<String>,
) -> ContractResult<Response> {
    ensure_owner(&deps, &info.sender)?;
    match &asset {
        Some(a) => {
            if !ASSETS.has(deps.storage, a) {
                return Err(ContractError::UnknownAsset { asset: a.clone() });
            }
            REFERENCE.save(deps.storage, a)?;
        }
        None => REFERENCE.remove(deps.storage),
    }
    Ok(Response::new()
        .add_attribute("action", "set_reference")
        .add_attribute("reference", asset.unwrap_or_default()))
}

/// Submissions of an asset's listed feeders (bounded by MAX_FEEDERS).
pub fn feeder_submissions(
    deps: &cosmwasm_std::Deps,
    asset: &str,
) -> StdResult<Vec<(Addr, crate::state::Observation)>> {
    SUBMISSIONS
        .prefix(asset)
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_FEEDERS)
        .collect()
}
