//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError, StdResult,
};
use cw_storage_plus::Item;

use ballast_clearinghouse::query;
use ballast_types::clearinghouse::Page;
use ballast_types::views::{ConfigResponse, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::remote::Remote;

pub const CONTRACT_NAME: &str = "crates.io:ballast-views";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The clearinghouse whose storage is read.
const CLEARINGHOUSE: Item<cosmwasm_std::Addr> = Item::new("clearinghouse");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> StdResult<Response> {
    cw_utils::nonpayable(&info).map_err(|e| StdError::generic_err(e.to_string()))?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let clearinghouse = deps.api.addr_validate(&msg.clearinghouse)?;
    CLEARINGHOUSE.save(deps.storage, &clearinghouse)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("clearinghouse", clearinghouse))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    _deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: ExecuteMsg,
) -> StdResult<Response> {
    match msg {}
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    let remote = Remote {
        querier: deps.querier,
        contract: CLEARINGHOUSE.load(deps.storage)?,
        error: Default::default(),
    };
    // The clearinghouse's own query code over its storage.
    let ch = Deps {
        storage: &remote,
        api: deps.api,
        querier: deps.querier,
    };
    let err = |e: ballast_clearinghouse::error::ContractError| StdError::generic_err(e.to_string());
    let answer = match msg {
        QueryMsg::Config(Empty {}) => to_json_binary(&ConfigResponse {
            clearinghouse: remote.contract.to_string(),
        }),
        QueryMsg::Ownership(_) => to_json_binary(&cw_ownable::get_ownership(ch.storage)?),
        QueryMsg::Underlyings(Page { start_after, limit }) => {
            to_json_binary(&query::underlyings(ch, start_after, limit).map_err(err)?)
        }
        QueryMsg::Collaterals(Page { start_after, limit }) => {
            to_json_binary(&query::collaterals(ch, start_after, limit).map_err(err)?)
        }
        QueryMsg::Markets(Page { start_after, limit }) => {
            to_json_binary(&query::markets(ch, start_after, limit).map_err(err)?)
        }
        QueryMsg::Accounts {
            owner,
            start_after,
            limit,
        } => to_json_binary(&query::accounts(ch, owner, start_after, limit).map_err(err)?),
        QueryMsg::OrderStatus(order) => {
            to_json_binary(&query::order_status(ch, order).map_err(err)?)
        }
        QueryMsg::Totals(_) => to_json_binary(&query::totals(ch).map_err(err)?),
    };
    remote.check(answer)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> StdResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if !ballast_types::version::migrate_allowed(
        &stored.contract,
        &stored.version,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    ) {
        return Err(StdError::generic_err(format!(
            "cannot migrate from {} {} to {CONTRACT_VERSION}",
            stored.contract, stored.version
        )));
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version))
}
