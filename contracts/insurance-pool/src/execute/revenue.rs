//! Revenue: attached settlement coins are split between the tranches, tilted to the junior.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};

use ballast_types::insurance::Tranche;

use crate::error::{ContractError, ContractResult};
use crate::execute::funds::settlement_payment;
use crate::math::split_revenue;
use crate::state::{load_tranche, save_tranche, token_supply, TrancheState, CONFIG, TOTALS};

/// A tranche's revenue weight before the tilt: its assets if it has shares outstanding, else
/// zero (assets nobody owns must not attract more).
fn weight(deps: &DepsMut, state: &TrancheState) -> ContractResult<Uint128> {
    if state.assets.is_zero() || token_supply(deps.as_ref(), &state.token_addr)?.is_zero() {
        return Ok(Uint128::zero());
    }
    Ok(state.assets)
}

pub fn distribute_revenue(deps: DepsMut, info: MessageInfo) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let amount = settlement_payment(&info, &config.settlement_denom)?;
    distribute(deps, amount, info.sender, "distribute_revenue")
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
    distribute(deps, stray, info.sender, "sweep_stray")
}

fn distribute(
    deps: DepsMut,
    amount: Uint128,
    sender: Addr,
    action: &str,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let mut junior = load_tranche(deps.storage, Tranche::Junior)?;
    let mut senior = load_tranche(deps.storage, Tranche::Senior)?;
    let (w_junior, w_senior) = (weight(&deps, &junior)?, weight(&deps, &senior)?);
    let (to_junior, to_senior) = split_revenue(amount, w_junior, w_senior, config.junior_tilt)?;
    junior.assets = junior.assets.checked_add(to_junior)?;
    senior.assets = senior.assets.checked_add(to_senior)?;
    save_tranche(deps.storage, Tranche::Junior, &junior)?;
    save_tranche(deps.storage, Tranche::Senior, &senior)?;
    let mut totals = TOTALS.load(deps.storage)?;
    totals.revenue_total = totals.revenue_total.checked_add(amount)?;
    TOTALS.save(deps.storage, &totals)?;
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("sender", sender)
        .add_attribute("amount", amount)
        .add_attribute("junior", to_junior)
        .add_attribute("senior", to_senior)
        .add_attribute("junior_assets_after", junior.assets)
        .add_attribute("senior_assets_after", senior.assets))
}
