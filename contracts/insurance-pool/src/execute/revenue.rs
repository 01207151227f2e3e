//! Revenue: attached settlement coins are split between the tranches, tilted to the junior.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};

use ballast_types::insurance::Tranche;

use crate::book::Book;
use crate::error::{ContractError, ContractResult};
use crate::execute::funds::settlement_payment;
use crate::math::split_revenue;
use crate::state::{token_supply, CONFIG, TOTALS};

/// A tranche's revenue weight before the tilt: its value if it has shares outstanding, else
/// zero (assets nobody owns must not attract more).
fn weight(deps: &DepsMut, book: &Book, tranche: Tranche) -> ContractResult<Uint128> {
    let value = book.value(tranche)?;
    let token = &book.tranche(tranche).token_addr;
    if value.is_zero() || token_supply(deps.as_ref(), token)?.is_zero() {
        return Ok(Uint128::zero());
    }
    Ok(value)
}

pub fn distribute_revenue(deps: DepsMut, env: Env, info: MessageInfo) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let amount = settlement_payment(&info, &config.settlement_denom)?;
    distribute(deps, env, amount, info.sender, "distribute_revenue")
}

/// The pool's settlement balance above what the tranches own, distributed as revenue.
pub fn sweep_stray(deps: DepsMut, env: Env, info: MessageInfo) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let balance = deps
        .querier
        .query_balance(&env.contract.address, &config.settlement_denom)?
        .amount;
    let stray = balance.saturating_sub(crate::query::assets(deps.as_ref())?);
    if stray.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    distribute(deps, env, stray, info.sender, "sweep_stray")
}

fn distribute(
    deps: DepsMut,
    env: Env,
    amount: Uint128,
    sender: Addr,
    action: &str,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let mut book = Book::load(deps.as_ref(), &env.contract.address)?;
    let w_junior = weight(&deps, &book, Tranche::Junior)?;
    let w_senior = weight(&deps, &book, Tranche::Senior)?;
    let (to_junior, to_senior) = split_revenue(amount, w_junior, w_senior, config.junior_tilt)?;
    book.junior.assets = book.junior.assets.checked_add(to_junior)?;
    book.senior.assets = book.senior.assets.checked_add(to_senior)?;
    // Saving settles: the junior part repays the junior tranche's debt first.
    let book = book.save(deps.storage)?;
    let mut totals = TOTALS.load(deps.storage)?;
    totals.revenue_total = totals.revenue_total.checked_add(amount)?;
    TOTALS.save(deps.storage, &totals)?;
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("sender", sender)
        .add_attribute("amount", amount)
        .add_attribute("junior", to_junior)
        .add_attribute("senior", to_senior)
        .add_attribute("junior_assets_after", book.value(Tranche::Junior)?)
        .add_attribute("senior_assets_after", book.value(Tranche::Senior)?))
}
