//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};

use ballast_types::oracle::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{admin, push};
use crate::query;
use crate::state::OWNER;

pub const CONTRACT_NAME: &str = "crates.io:ballast-oracle";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = deps.api.addr_validate(&msg.owner)?;
    OWNER.save(deps.storage, &owner)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    match msg {
        ExecuteMsg::SetAsset { asset, config } => admin::set_asset(deps, info, asset, config),
        ExecuteMsg::RemoveAsset { asset } => admin::remove_asset(deps, info, asset),
        ExecuteMsg::SetReference { asset } => admin::set_reference(deps, info, asset),
        ExecuteMsg::Push { submissions } => push::push(deps, env, info, submissions),
        ExecuteMsg::TransferOwnership { new_owner } => {
            admin::transfer_ownership(deps, info, new_owner)
        }
        ExecuteMsg::AcceptOwnership {} => admin::accept_ownership(deps, info),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Price { asset } => to_json_binary(&query::price(deps, &env, &asset)?)?,
        QueryMsg::Prices { assets } => to_json_binary(&query::prices(deps, &env, assets)?)?,
        QueryMsg::Volatility { asset } => to_json_binary(&query::volatility(deps, &asset)?)?,
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Assets { start_after, limit } => {
            to_json_binary(&query::assets(deps, start_after, limit)?)?
        }
        QueryMsg::Submissions { asset } => to_json_binary(&query::submissions(deps, &asset)?)?,
    })
}

/// Migrates from an older version of this contract only.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    let bad = || ContractError::BadMigration {
        from_contract: stored.contract.clone(),
        from_version: stored.version.clone(),
        to_version: CONTRACT_VERSION.to_string(),
    };
    if !migrate_allowed(&stored.contract, &stored.version) {
        return Err(bad());
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version))
}

/// Whether a contract stored as (`contract`, `version`) may migrate to this code: the same
/// contract, at this version or older.
pub fn migrate_allowed(contract: &str, version: &str) -> bool {
    contract == CONTRACT_NAME && is_not_newer(version, CONTRACT_VERSION)
}

/// `a ≤ b` for dotted numeric versions ("0.1.0"); anything unparsable is not ≤.
fn is_not_newer(a: &str, b: &str) -> bool {
    let parse = |v: &str| -> Option<Vec<u64>> { v.split('.').map(|p| p.parse().ok()).collect() };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x <= y,
        _ => false,
    }
}
