//! Withdrawals in two steps: shares sent to the pool are locked in a request (still in the
//! supply, so they bear losses and earn revenue); after the cool-down the owner burns them
//! for their value then, or cancels and gets them back at any time.

use cosmwasm_std::{from_json, Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::{Cw20ExecuteMsg, Cw20ReceiveMsg};

use ballast_types::insurance::{ReceiveMsg, Tranche};

use crate::book::Book;
use crate::deficit::{known_deficits, net_value};
use crate::error::{ContractError, ContractResult};
use crate::execute::funds::{exec, pay};
use crate::math::assets_for_shares;
use crate::state::{
    load_tranche, next_id, save_tranche, token_supply, tranche_of_token, WithdrawalRequest, CONFIG,
    NEXT_WITHDRAWAL_ID, OWNER_WITHDRAWALS, WITHDRAWALS,
};

/// cw20 hook: accepted from the two share tokens only.
pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    let tranche = tranche_of_token(deps.storage, &info.sender)?.ok_or_else(|| {
        ContractError::NotShareToken {
            sender: info.sender.to_string(),
        }
    })?;
    let owner = deps.api.addr_validate(&wrapper.sender)?;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::RequestWithdraw {} => {
            request_withdraw(deps, env, owner, tranche, wrapper.amount)
        }
    }
}

fn request_withdraw(
    deps: DepsMut,
    env: Env,
    owner: Addr,
    tranche: Tranche,
    shares: Uint128,
) -> ContractResult<Response> {
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let config = CONFIG.load(deps.storage)?;
    let mut state = load_tranche(deps.storage, tranche)?;
    state.locked = state.locked.checked_add(shares)?;
    save_tranche(deps.storage, tranche, &state)?;
    let now = env.block.time.seconds();
    let unlock_at = now.saturating_add(config.cooldown_secs);
    let expires_at = unlock_at.saturating_add(config.withdraw_window_secs);
    let id = next_id(deps.storage, &NEXT_WITHDRAWAL_ID)?;
    let request = WithdrawalRequest {
        owner: owner.clone(),
        tranche,
        shares,
        requested_at: now,
        unlock_at,
        expires_at,
    };
    WITHDRAWALS.save(deps.storage, id, &request)?;
    OWNER_WITHDRAWALS.save(deps.storage, (&owner, id), &())?;
    Ok(Response::new()
        .add_attribute("action", "request_withdraw")
        .add_attribute("id", id.to_string())
        .add_attribute("owner", owner)
        .add_attribute("tranche", tranche.as_str())
        .add_attribute("shares", shares)
        .add_attribute("unlock_at", unlock_at.to_string())
        .add_attribute("expires_at", expires_at.to_string()))
}

/// The request `id`, if `sender` owns it.
fn owned_request(deps: &DepsMut, id: u64, sender: &Addr) -> ContractResult<WithdrawalRequest> {
    let request = WITHDRAWALS
        .may_load(deps.storage, id)?
        .ok_or(ContractError::UnknownWithdrawal { id })?;
    if request.owner != *sender {
        return Err(ContractError::NotRequestOwner {
            id,
            sender: sender.to_string(),
        });
    }
    Ok(request)
}

fn remove_request(deps: &mut DepsMut, id: u64, request: &WithdrawalRequest) {
    WITHDRAWALS.remove(deps.storage, id);
    OWNER_WITHDRAWALS.remove(deps.storage, (&request.owner, id));
}

pub fn withdraw(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
) -> ContractResult<Response> {
    let request = owned_request(&deps, id, &info.sender)?;
    let now = env.block.time.seconds();
    if now < request.unlock_at {
        return Err(ContractError::CooldownNotOver {
            id,
            unlock_at: request.unlock_at,
            now,
        });
    }
    if now > request.expires_at {
        return Err(ContractError::RequestExpired {
            id,
            expired_at: request.expires_at,
        });
    }
    remove_request(&mut deps, id, &request);
    let config = CONFIG.load(deps.storage)?;
    let mut book = Book::load(deps.as_ref(), &env.contract.address)?;
    // Valued net of the tranche's part of the open lots' known deficits: leaving first does
    // not leave a visible loss to the others. What is held back stays with the tranche.
    let deficits = known_deficits(deps.as_ref())?;
    let (deficit_part, value) = net_value(&book, &deficits, request.tranche)?;
    let token = book.tranche(request.tranche).token_addr.clone();
    // The supply still includes these shares: they are burned after this handler.
    let supply = token_supply(deps.as_ref(), &token)?;
    // Rounds DOWN (see assets_for_shares): the remainder stays with the tranche.
    let payout = assets_for_shares(request.shares, value, supply)?;
    let state = book.tranche_mut(request.tranche);
    // Paid in coin only: value held in the backstop account waits for `DefundBackstop`.
    state.assets = state
        .assets
        .checked_sub(payout)
        .map_err(|_| ContractError::Illiquid {
            tranche: request.tranche,
            needed: payout,
            liquid: state.assets,
        })?;
    state.locked = state.locked.checked_sub(request.shares)?;
    let book = book.save(deps.storage)?;
    let burn = exec(
        &token,
        &Cw20ExecuteMsg::Burn {
            amount: request.shares,
        },
        vec![],
    )?;
    Ok(Response::new()
        .add_message(burn)
        .add_messages(pay(&request.owner, payout, &config.settlement_denom))
        .add_attribute("action", "withdraw")
        .add_attribute("id", id.to_string())
        .add_attribute("owner", request.owner)
        .add_attribute("tranche", request.tranche.as_str())
        .add_attribute("shares", request.shares)
        .add_attribute("paid", payout)
        .add_attribute("known_deficit", deficits.total)
        .add_attribute("deficit_part", deficit_part)
        .add_attribute("deficits_complete", deficits.complete.to_string())
        .add_attribute("assets_after", book.value(request.tranche)?)
        .add_attribute("supply_after", supply.checked_sub(request.shares)?))
}

pub fn cancel_withdraw(mut deps: DepsMut, info: MessageInfo, id: u64) -> ContractResult<Response> {
    let request = owned_request(&deps, id, &info.sender)?;
    remove_request(&mut deps, id, &request);
    let mut state = load_tranche(deps.storage, request.tranche)?;
    state.locked = state.locked.checked_sub(request.shares)?;
    save_tranche(deps.storage, request.tranche, &state)?;
    let back = exec(
        &state.token_addr,
        &Cw20ExecuteMsg::Transfer {
            recipient: request.owner.to_string(),
            amount: request.shares,
        },
        vec![],
    )?;
    Ok(Response::new()
        .add_message(back)
        .add_attribute("action", "cancel_withdraw")
        .add_attribute("id", id.to_string())
        .add_attribute("owner", request.owner)
        .add_attribute("tranche", request.tranche.as_str())
        .add_attribute("shares", request.shares))
}
