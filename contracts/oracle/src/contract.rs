//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};

use ballast_types::oracle::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{admin, push};
use crate::query;

pub const CONTRACT_NAME: &str = "crates.io:ballast-oracle";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = deps.api.addr_validate(&msg.owner)?;
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner.as_str()))?;
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
    // No oracle message takes a payment, and the oracle has no way to pay anything back.
    nonpayable(&info)?;
    match msg {
        ExecuteMsg::SetAsset { asset, config } => admin::set_asset(deps, info, asset, config),
        ExecuteMsg::RemoveAsset { asset } => admin::remove_asset(deps, info, asset),
        ExecuteMsg::SetReference { asset } => admin::set_reference(deps, info, asset),
        ExecuteMsg::Push { submissions } => push::push(deps, env, info, submissions),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)
                .map_err(|_| ContractError::Unauthorized {})?;
            Ok(Response::new().add_attributes(ownership.into_attributes()))
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Price { asset } => to_json_binary(&query::price(deps, &env, &asset)?)?,
        QueryMsg::Prices { assets } => to_json_binary(&query::prices(deps, &env, assets)?)?,
        QueryMsg::Volatility { asset } => to_json_binary(&query::volatility(deps, &asset)?)?,
        QueryMsg::Quotes { assets } => to_json_binary(&query::quotes(deps, &env, assets)?)?,
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
        QueryMsg::Assets { start_after, limit } => {
            to_json_binary(&query::assets(deps, start_after, limit)?)?
        }
        QueryMsg::Submissions { asset } => to_json_binary(&query::submissions(deps, &asset)?)?,
    })
}

/// Refuses attached coins (`cw_utils::nonpayable`), naming them.
fn nonpayable(info: &MessageInfo) -> ContractResult<()> {
    cw_utils::nonpayable(info).map_err(|_| ContractError::FundsAttached {
        funds: info
            .funds
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(","),
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
    ballast_types::version::migrate_allowed(contract, version, CONTRACT_NAME, CONTRACT_VERSION)
}
