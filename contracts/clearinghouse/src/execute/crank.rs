//! The permissionless crank: funding accrual for perps, settlement of expired markets, and
//! settlement of one account's pending cash.
//!
//! Bounded: one market per call; an expired market settles at most a page of holders per
//! call (the keeper repeats until `remaining` says none are left). Accounts also settle
//! themselves whenever they are touched, so a slow crank delays nothing but bookkeeping.

use cosmwasm_std::{DepsMut, Env, Response};

use ballast_types::pagination::page_limit;

use crate::error::{ContractError, ContractResult};
use crate::execute::deficit::unrecorded_deficit;
use crate::ledger::{self, MarketCash};
use crate::state::{ACCOUNTS, CONFIG, HOLDERS, MARKETS};

pub fn crank(
    mut deps: DepsMut,
    env: Env,
    market: String,
    limit: Option<u32>,
) -> ContractResult<Response> {
    let m = MARKETS
        .may_load(deps.storage, &market)?
        .ok_or_else(|| ContractError::NotListed {
            kind: "market",
            id: market.clone(),
        })?;
    let config = CONFIG.load(deps.storage)?;
    let cash = ledger::touch_market(&mut deps, &env, &config, &market, &m)?;
    let mut response = Response::new()
        .add_attribute("action", "crank")
        .add_attribute("market", market.clone());
    match &cash {
        MarketCash::Perp { funding, index } => {
            response = response
                .add_attribute("cumulative_funding", funding.cumulative.to_string())
                .add_attribute("premium", funding.premium.to_string())
                .add_attribute("index", index.to_string());
        }
        MarketCash::Expired { price } => {
            let holders = ledger::holders(deps.storage, &market, page_limit(limit))?;
            for (owner, sub_id) in &holders {
                ledger::settle_position(deps.storage, &config, owner, *sub_id, &market, &m, &cash)?;
                // A holder left with nothing but a negative balance (a position that
                // expired underwater, never below maintenance before) is named, not
                // silent: a keeper's `Liquidate` on the liquidator sends it down the
                // waterfall.
                let deficit = unrecorded_deficit(deps.storage, owner, *sub_id)?;
                if !deficit.is_zero() {
                    response =
                        response.add_attribute("deficit", format!("{owner}/{sub_id}:{deficit}"));
                }
            }
            let remaining = HOLDERS
                .sub_prefix(&market)
                .keys(deps.storage, None, None, cosmwasm_std::Order::Ascending)
                .next()
                .is_some();
            response = response
                .add_attribute("settlement_price", price.to_string())
                .add_attribute("settled", holders.len().to_string())
                .add_attribute("remaining", if remaining { "1" } else { "0" });
        }
        MarketCash::Live => {
            return Err(ContractError::NothingToCrank { market });
        }
    }
    Ok(response)
}

pub fn settle_account(
    mut deps: DepsMut,
    env: Env,
    owner: String,
    sub_id: u32,
) -> ContractResult<Response> {
    let owner = deps.api.addr_validate(&owner)?;
    if !ACCOUNTS.has(deps.storage, (&owner, sub_id)) {
        return Err(ContractError::NoAccount {
            owner: owner.to_string(),
            sub_id,
        });
    }
    let before = ACCOUNTS.load(deps.storage, (&owner, sub_id))?.settlement;
    let after = ledger::settle_account(&mut deps, &env, &owner, sub_id)?;
    let moved = after
        .checked_sub(before)
        .map_err(|_| ContractError::Overflow("settlement"))?;
    Ok(Response::new()
        .add_attribute("action", "settle_account")
        .add_attribute("owner", owner)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("settled", moved.to_string()))
}
