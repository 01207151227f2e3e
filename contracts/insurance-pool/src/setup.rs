//! Instantiation: the settings, then one cw20-base share token per tranche, instantiated as
//! sub-messages whose replies record the token addresses.

use cosmwasm_std::{
    to_json_binary, Decimal, DepsMut, Env, Reply, Response, SubMsg, Uint128, WasmMsg,
};
use cw20::MinterResponse;

use ballast_types::insurance::{InstantiateMsg, TotalsResponse, Tranche};

use crate::error::{ContractError, ContractResult};
use crate::state::{Config, TrancheState, CONFIG, TOTALS, TRANCHES};

/// Reply id of the junior share token's instantiation.
pub const REPLY_JUNIOR_TOKEN: u64 = 1;
/// Reply id of the senior share token's instantiation.
pub const REPLY_SENIOR_TOKEN: u64 = 2;
/// Decimals of the share tokens (those of a typical settlement stable coin: a share starts at
/// one settlement unit).
pub const SHARE_DECIMALS: u8 = 6;
/// Longest cool-down: one year.
pub const MAX_COOLDOWN_SECS: u64 = 31_536_000;
/// Largest junior tilt: the junior tranche's revenue weight is at most 11× its assets.
pub const MAX_TILT: u64 = 10;

const INSTANTIATE_RESPONSE_TYPE: &str = "/cosmwasm.wasm.v1.MsgInstantiateContractResponse";

fn invalid(reason: impl Into<String>) -> ContractError {
    ContractError::InvalidConfig {
        reason: reason.into(),
    }
}

pub fn validate_cooldown(secs: u64) -> ContractResult<u64> {
    if secs == 0 || secs > MAX_COOLDOWN_SECS {
        return Err(invalid(format!(
            "cooldown_secs must lie in 1..={MAX_COOLDOWN_SECS}"
        )));
    }
    Ok(secs)
}

/// At least an hour to act once unlocked, at most a year.
pub fn validate_window(secs: u64) -> ContractResult<u64> {
    if !(3_600..=MAX_COOLDOWN_SECS).contains(&secs) {
        return Err(invalid(format!(
            "withdraw_window_secs must lie in 3600..={MAX_COOLDOWN_SECS}"
        )));
    }
    Ok(secs)
}

pub fn validate_tilt(tilt: Decimal) -> ContractResult<Decimal> {
    if tilt > Decimal::from_ratio(MAX_TILT, 1u8) {
        return Err(invalid(format!("junior_tilt must lie in [0, {MAX_TILT}]")));
    }
    Ok(tilt)
}

fn validate_denom(denom: &str) -> ContractResult<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | ':' | '.' | '_' | '-');
    if denom.len() < 3 || denom.len() > 128 || !denom.chars().all(ok_char) {
        return Err(invalid(format!(
            "settlement denom {denom:?} is not a valid denom"
        )));
    }
    Ok(())
}

fn token_msg(env: &Env, tranche: Tranche, code_id: u64) -> ContractResult<SubMsg> {
    let (name, symbol, reply_id) = match tranche {
        Tranche::Junior => ("Ballast Insurance Junior", "bINS-JR", REPLY_JUNIOR_TOKEN),
        Tranche::Senior => ("Ballast Insurance Senior", "bINS-SR", REPLY_SENIOR_TOKEN),
    };
    let msg = cw20_base::msg::InstantiateMsg {
        name: name.to_string(),
        symbol: symbol.to_string(),
        decimals: SHARE_DECIMALS,
        initial_balances: vec![],
        mint: Some(MinterResponse {
            minter: env.contract.address.to_string(),
            cap: None,
        }),
        marketing: None,
    };
    // No admin: the share tokens can never be migrated away from plain cw20-base.
    let wasm = WasmMsg::Instantiate {
        admin: None,
        code_id,
        msg: to_json_binary(&msg)?,
        funds: vec![],
        label: format!("{name} shares"),
    };
    Ok(SubMsg::reply_on_success(wasm, reply_id))
}

pub fn instantiate(deps: DepsMut, env: Env, msg: InstantiateMsg) -> ContractResult<Response> {
    let owner = deps.api.addr_validate(&msg.owner)?;
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner.as_str()))?;
    validate_denom(&msg.settlement_denom)?;
    let validate = |a: Option<String>| a.map(|a| deps.api.addr_validate(&a)).transpose();
    let config = Config {
        settlement_denom: msg.settlement_denom,
        clearinghouse_addr: validate(msg.clearinghouse)?,
        liquidator: validate(msg.liquidator)?,
        share_code_id: msg.share_code_id,
        cooldown_secs: validate_cooldown(msg.cooldown_secs)?,
        withdraw_window_secs: validate_window(msg.withdraw_window_secs)?,
        junior_tilt: validate_tilt(msg.junior_tilt)?,
    };
    CONFIG.save(deps.storage, &config)?;
    TOTALS.save(deps.storage, &TotalsResponse::default())?;
    Ok(Response::new()
        .add_submessage(token_msg(&env, Tranche::Junior, msg.share_code_id)?)
        .add_submessage(token_msg(&env, Tranche::Senior, msg.share_code_id)?)
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner)
        .add_attribute("settlement_denom", config.settlement_denom))
}

/// Records a share token's address. Only the two instantiation replies are accepted, once
/// each: the chain calls `reply` for this contract's own sub-messages only, and a second
/// reply for the same tranche (which cannot happen) would be refused rather than replace the
/// token.
pub fn reply(deps: DepsMut, msg: Reply) -> ContractResult<Response> {
    let tranche = match msg.id {
        REPLY_JUNIOR_TOKEN => Tranche::Junior,
        REPLY_SENIOR_TOKEN => Tranche::Senior,
        id => return Err(ContractError::UnknownReply { id }),
    };
    if TRANCHES.has(deps.storage, tranche.as_str()) {
        return Err(ContractError::TokenAlreadySet { tranche });
    }
    let bad = |reason: String| ContractError::BadInstantiateReply { reason };
    let response = msg.result.into_result().map_err(bad)?;
    // CosmWasm 2: the instantiate response is in `msg_responses`; older chains fill `data`.
    let raw = match response
        .msg_responses
        .iter()
        .find(|r| r.type_url == INSTANTIATE_RESPONSE_TYPE)
    {
        Some(r) => r.value.clone(),
        None => {
            #[allow(deprecated)]
            let data = response.data.clone();
            data.ok_or_else(|| bad("no instantiate response".to_string()))?
        }
    };
    let parsed = cw_utils::parse_instantiate_response_data(raw.as_slice())
        .map_err(|e| bad(e.to_string()))?;
    let token_addr = deps.api.addr_validate(&parsed.contract_address)?;
    TRANCHES.save(
        deps.storage,
        tranche.as_str(),
        &TrancheState {
            token_addr: token_addr.clone(),
            assets: Uint128::zero(),
            locked: Uint128::zero(),
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "share_token")
        .add_attribute("tranche", tranche.as_str())
        .add_attribute("token", token_addr))
}
