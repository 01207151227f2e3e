//! Owner actions: settings; two-step ownership transfer.

use cosmwasm_std::{Decimal, DepsMut, Env, MessageInfo, Response};

use crate::error::{ContractError, ContractResult};
use crate::setup::{validate_cooldown, validate_tilt, validate_window};
use crate::state::CONFIG;

/// The owner (cw-ownable) or `Unauthorized`.
pub fn owner_only(deps: &DepsMut, info: &MessageInfo) -> ContractResult<()> {
    cw_ownable::assert_owner(deps.storage, &info.sender).map_err(|_| ContractError::Unauthorized {})
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    (clearinghouse, liquidator): (Option<String>, Option<String>),
    cooldown_secs: Option<u64>,
    withdraw_window_secs: Option<u64>,
    junior_tilt: Option<Decimal>,
) -> ContractResult<Response> {
    owner_only(&deps, &info)?;
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(c) = clearinghouse {
        config.clearinghouse_addr = Some(deps.api.addr_validate(&c)?);
    }
    if let Some(l) = liquidator {
        config.liquidator = Some(deps.api.addr_validate(&l)?);
    }
    if let Some(secs) = cooldown_secs {
        config.cooldown_secs = validate_cooldown(secs)?;
    }
    if let Some(secs) = withdraw_window_secs {
        config.withdraw_window_secs = validate_window(secs)?;
    }
    if let Some(tilt) = junior_tilt {
        config.junior_tilt = validate_tilt(tilt)?;
    }
    CONFIG.save(deps.storage, &config)?;
    let named = |a: Option<cosmwasm_std::Addr>| a.map(|a| a.to_string()).unwrap_or_default();
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("clearinghouse", named(config.clearinghouse_addr))
        .add_attribute("liquidator", named(config.liquidator))
        .add_attribute("cooldown_secs", config.cooldown_secs.to_string())
        .add_attribute(
            "withdraw_window_secs",
            config.withdraw_window_secs.to_string(),
        )
        .add_attribute("junior_tilt", config.junior_tilt.to_string()))
}

pub fn update_ownership(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: cw_ownable::Action,
) -> ContractResult<Response> {
    let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)
        .map_err(|_| ContractError::Unauthorized {})?;
    Ok(Response::new()
        .add_attribute("action", "update_ownership")
        .add_attributes(ownership.into_attributes()))
}
