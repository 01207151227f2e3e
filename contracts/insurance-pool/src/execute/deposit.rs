//! Deposit: settlement coins in, newly minted shares of a tranche out.

use cosmwasm_std::{to_json_binary, DepsMut, Env, MessageInfo, Response, WasmMsg};

use ballast_types::insurance::Tranche;

use crate::book::Book;
use crate::error::{ContractError, ContractResult};
use crate::execute::funds::settlement_payment;
use crate::math::shares_for_deposit;
use crate::state::{token_supply, CONFIG};

pub fn deposit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    tranche: Tranche,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let amount = settlement_payment(&info, &config.settlement_denom)?;
    let mut book = Book::load(deps.as_ref(), &env.contract.address)?;
    let token = book.tranche(tranche).token_addr.clone();
    let supply = token_supply(deps.as_ref(), &token)?;
    // Priced on the ledger's value (liquid + backstop equity − debt for the junior tranche),
    // never the bank balance: a donation moves no price.
    let shares = shares_for_deposit(amount, book.value(tranche)?, supply)?;
    if shares.is_zero() {
        return Err(ContractError::ZeroShares { tranche, amount });
    }
    let state = book.tranche_mut(tranche);
    state.assets = state.assets.checked_add(amount)?;
    // Saving settles: a junior deposit repays the tranche's debt first (its value is net
    // of the debt already, so the depositor's shares are unaffected).
    let book = book.save(deps.storage)?;
    let mint = WasmMsg::Execute {
        contract_addr: token.to_string(),
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
        .add_attribute("assets_after", book.value(tranche)?)
        .add_attribute("supply_after", supply.checked_add(shares)?))
}
