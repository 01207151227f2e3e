//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};

use ballast_types::liquidator::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::curve::validate;
use crate::error::{ContractError, ContractResult};
use crate::query;
use crate::state::{Config, CONFIG};
use crate::{deleverage, execute, waterfall};

pub const CONTRACT_NAME: &str = "crates.io:ballast-liquidator";
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
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner.as_str()))?;
    validate(&msg.curve)?;
    CONFIG.save(
        deps.storage,
        &Config {
            clearinghouse: deps.api.addr_validate(&msg.clearinghouse)?,
            curve: msg.curve,
            backstop: None,
        },
    )?;
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
    // No message takes a payment: bids pay through the clearinghouse's ledger.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Liquidate(account) => waterfall::liquidate(deps, info, account),
        ExecuteMsg::Bid {
            lot,
            sub_id,
            fraction,
            max_price,
        } => execute::bid(deps, env, info, lot, sub_id, fraction, max_price),
        ExecuteMsg::Redo { lot } => execute::redo(deps, env, info, lot),
        ExecuteMsg::Deleverage { lot, candidates } => {
            deleverage::deleverage(deps, env, lot, candidates)
        }
        ExecuteMsg::SetCurve { curve } => execute::set_curve(deps, info, curve),
        ExecuteMsg::SetBackstop { backstop } => execute::set_backstop(deps, info, backstop),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)
                .map_err(|_| ContractError::Unauthorized {})?;
            Ok(Response::new().add_attributes(ownership.into_attributes()))
        }
    }
}

/// The answers the waterfall continues from: the clearinghouse's to a seizure, a bid or a
/// deleveraging fill, the backstop's to a redo, the pool's to a cover.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    match msg.id {
        execute::BACKSTOP_REPLY => execute::backstop_answered(deps, env, msg),
        execute::BID_REPLY => execute::bid_filled(deps, env, msg),
        waterfall::SEIZE_REPLY => waterfall::seized(deps, env, msg),
        waterfall::COVER_REPLY => waterfall::covered(deps, msg),
        deleverage::DELEVERAGE_REPLY => deleverage::filled(deps, msg),
        id => Err(ContractError::UnknownReply { id }),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
        QueryMsg::Lot { lot } => to_json_binary(&query::lot(deps, &env, lot)?)?,
        QueryMsg::Lots { start_after, limit } => {
            to_json_binary(&query::lots(deps, &env, start_after, limit)?)?
        }
        QueryMsg::History {
            lot,
            start_after,
            limit,
        } => to_json_binary(&query::history(deps, lot, start_after, limit)?)?,
        QueryMsg::KnownDeficits {} => to_json_binary(&waterfall::known_deficits(deps)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if !ballast_types::version::migrate_allowed(
        &stored.contract,
        &stored.version,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    ) {
        return Err(ContractError::BadMigration {
            from_contract: stored.contract,
            from_version: stored.version,
            to_version: CONTRACT_VERSION.to_string(),
        });
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version))
}
