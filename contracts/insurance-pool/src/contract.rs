//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};

use ballast_types::insurance::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{admin, backstop, cover, deposit, revenue, withdraw};
use crate::{query, setup};

pub const CONTRACT_NAME: &str = "crates.io:ballast-insurance-pool";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    setup::instantiate(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> ContractResult<Response> {
    setup::reply(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Coins attached to anything but a payment would sit outside the ledger.
    if !matches!(
        msg,
        ExecuteMsg::Deposit { .. } | ExecuteMsg::DistributeRevenue {}
    ) {
        cw_utils::nonpayable(&info)?;
    }
    match msg {
        ExecuteMsg::Deposit { tranche } => deposit::deposit(deps, env, info, tranche),
        ExecuteMsg::DistributeRevenue {} => revenue::distribute_revenue(deps, env, info),
        ExecuteMsg::SweepStray {} => revenue::sweep_stray(deps, env, info),
        ExecuteMsg::Receive(wrapper) => withdraw::receive(deps, env, info, wrapper),
        ExecuteMsg::Withdraw { id } => withdraw::withdraw(deps, env, info, id),
        ExecuteMsg::CancelWithdraw { id } => withdraw::cancel_withdraw(deps, info, id),
        ExecuteMsg::CoverShortfall { amount } => cover::cover_shortfall(deps, env, info, amount),
        ExecuteMsg::SetBackstop {
            auction,
            sub_id,
            agent,
        } => backstop::set_backstop(deps, info, auction, sub_id, agent),
        ExecuteMsg::FundBackstop { amount } => backstop::fund(deps, env, info, amount),
        ExecuteMsg::DefundBackstop { amount } => backstop::defund(deps, env, info, amount),
        ExecuteMsg::Backstop { lot } => backstop::bid(deps, info, lot),
        ExecuteMsg::UpdateConfig {
            clearinghouse,
            liquidator,
            cooldown_secs,
            withdraw_window_secs,
            junior_tilt,
        } => admin::update_config(
            deps,
            info,
            (clearinghouse, liquidator),
            cooldown_secs,
            withdraw_window_secs,
            junior_tilt,
        ),
        ExecuteMsg::UpdateOwnership(action) => admin::update_ownership(deps, env, info, action),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
        QueryMsg::Tranche { tranche } => to_json_binary(&query::tranche(deps, &env, tranche)?)?,
        QueryMsg::Tranches {} => to_json_binary(&query::tranches(deps, &env)?)?,
        QueryMsg::Assets {} => to_json_binary(&query::assets(deps)?)?,
        QueryMsg::PendingWithdrawals {
            owner,
            start_after,
            limit,
        } => to_json_binary(&query::pending_withdrawals(
            deps,
            &env,
            owner,
            start_after,
            limit,
        )?)?,
        QueryMsg::Withdrawal { id } => to_json_binary(&query::withdrawal(deps, &env, id)?)?,
        QueryMsg::Covers { start_after, limit } => {
            to_json_binary(&query::covers(deps, start_after, limit)?)?
        }
        QueryMsg::Totals {} => to_json_binary(&query::totals(deps)?)?,
        QueryMsg::Backstop {} => to_json_binary(&query::backstop(deps, &env)?)?,
        QueryMsg::KnownDeficit {} => to_json_binary(&query::known_deficit(deps, &env)?)?,
    })
}

/// Migrates from an older version of this contract only.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if !migrate_allowed(&stored.contract, &stored.version) {
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

/// Whether a contract stored as (`contract`, `version`) may migrate to this code: the same
/// contract, at this version or older.
pub fn migrate_allowed(contract: &str, version: &str) -> bool {
    ballast_types::version::migrate_allowed(contract, version, CONTRACT_NAME, CONTRACT_VERSION)
}
