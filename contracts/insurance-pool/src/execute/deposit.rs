//! Deposit: settlement coins in, newly minted shares of a tranche out.

use cosmwasm_std::{to_json_binary, DepsMut, MessageInfo, Response, WasmMsg};

use ballast_types::insurance::Tranche;

use crate::error::{ContractError, ContractResult};
use crate::execute::funds::settlement_payment;
use crate::math::shares_for_deposit;
use crate::state::{load_tranche, save_tranche, token_supply, CONFIG};

pub fn deposit(deps: DepsMut, info: MessageInfo, tranche: Tranche) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let amount = settlement_payment(&info, &config.settlement_denom)?;
    let mut state = load_tranche(deps.storage, tranche)?;
    let supply = token_supply(deps.as_ref(), &state.token_addr)?;
    // Priced on the ledger's assets, never the bank balance: a donation moves no price.
    let shares = shares_for_deposit(amount, state.assets, supply)?;
    if shares.is_zero() {
        return Err(ContractError::ZeroShares { tranche, amount });
    }
    state.assets = state.assets.checked_add(amount)?;
    save_tranche(deps.storage, tranche, &state)?;
    let mint = WasmMsg::Execute {
        contract_addr: state.token_addr.to_string(),
        msg: to_json_binary(&cw20::Cw20ExecuteMsg::Mint {
            recipient: info.sender.to_string(),
            amount: shares,
        })?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_message(mint)
        .add_attribute("action", "deposit")
        .add_attribute("depositor", info.sender)
        .add_attribute("tranche", tranche.as_str())
        .add_attribute("amount", amount)
        .add_attribute("shares", shares)
        .add_attribute("assets_after", state.assets)
        .add_attribute("supply_after", supply.checked_add(shares)?))
}
