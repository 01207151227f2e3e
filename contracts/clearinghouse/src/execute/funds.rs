//! Collateral in (native coins, cw20 `Receive`) and out (`Withdraw`, margin-checked by a
//! callback that runs after the transfer).

use cosmwasm_std::{
    from_json, Addr, BankMsg, Coin, CosmosMsg, DepsMut, Env, Int128, MessageInfo, Response, Uint128,
};
use cw20::Cw20ReceiveMsg;

use ballast_types::clearinghouse::{ReceiveMsg, SubAccount};

use crate::error::{ContractError, ContractResult};
use crate::execute::callback;
use crate::ledger;
use crate::state::{ACCOUNTS, COLLATERALS, COLLATERAL_BY_ASSET, CONFIG};

fn ensure_account(deps: &DepsMut, owner: &Addr, sub_id: u32) -> ContractResult<()> {
    if !ACCOUNTS.has(deps.storage, (owner, sub_id)) {
        return Err(ContractError::NoAccount {
            owner: owner.to_string(),
            sub_id,
        });
    }
    Ok(())
}

fn to_int(amount: Uint128) -> ContractResult<Int128> {
    Int128::try_from(amount).map_err(|_| ContractError::Overflow("amount"))
}

/// Credits `amount` of collateral `id` (or settlement when `id` is None) to the account.
fn credit(
    deps: &mut DepsMut,
    owner: &Addr,
    sub_id: u32,
    id: Option<&str>,
    amount: Uint128,
) -> ContractResult<()> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    match id {
        None => ledger::add_settlement(deps.storage, owner, sub_id, to_int(amount)?),
        Some(id) => ledger::credit_collateral(deps.storage, owner, sub_id, id, amount),
    }
}

pub fn deposit(mut deps: DepsMut, info: MessageInfo, sub_id: u32) -> ContractResult<Response> {
    ensure_account(&deps, &info.sender, sub_id)?;
    let coin: Coin = cw_utils::one_coin(&info)?;
    let settlement = CONFIG.load(deps.storage)?.settlement_denom;
    let id = if coin.denom == settlement {
        None
    } else {
        Some(
            COLLATERAL_BY_ASSET
                .may_load(deps.storage, ("native", &coin.denom))?
                .ok_or_else(|| ContractError::UnlistedDenom {
                    denom: coin.denom.clone(),
                })?,
        )
    };
    credit(&mut deps, &info.sender, sub_id, id.as_deref(), coin.amount)?;
    Ok(Response::new()
        .add_attribute("action", "deposit")
        .add_attribute("owner", info.sender)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("asset", coin.denom)
        .add_attribute("amount", coin.amount))
}

pub fn receive(
    mut deps: DepsMut,
    info: MessageInfo,
    msg: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    // The token contract is the sender: only listed cw20 collateral may deposit.
    let token = info.sender.to_string();
    let id = COLLATERAL_BY_ASSET
        .may_load(deps.storage, ("cw20", &token))?
        .ok_or(ContractError::UnlistedToken {
            token: token.clone(),
        })?;
    let owner = deps.api.addr_validate(&msg.sender)?;
    let ReceiveMsg::Deposit(SubAccount { sub_id }) = from_json(&msg.msg)?;
    ensure_account(&deps, &owner, sub_id)?;
    credit(&mut deps, &owner, sub_id, Some(&id), msg.amount)?;
    Ok(Response::new()
        .add_attribute("action", "deposit")
        .add_attribute("owner", owner)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("asset", token)
        .add_attribute("amount", msg.amount))
}

pub fn withdraw(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    sub_id: u32,
    collateral: String,
    amount: Uint128,
) -> ContractResult<Response> {
    ensure_account(&deps, &info.sender, sub_id)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    ledger::ensure_not_frozen(deps.storage, &info.sender, sub_id)?;
    let config = CONFIG.load(deps.storage)?;
    // Pending funding and expired positions settle first, so the balance is what is owned.
    ledger::settle_account(&mut deps, &env, &info.sender, sub_id)?;
    let transfer: CosmosMsg = if collateral == config.settlement_denom {
        let debit = to_int(amount)?;
        let mut account = ACCOUNTS.load(deps.storage, (&info.sender, sub_id))?;
        // Only a positive settlement balance can be withdrawn: borrowing happens by trading.
        if account.settlement < debit {
            return Err(ContractError::InsufficientSettlement {
                requested: amount,
                available: account.settlement,
            });
        }
        account.settlement -= debit;
        ACCOUNTS.save(deps.storage, (&info.sender, sub_id), &account)?;
        BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(amount, config.settlement_denom)],
        }
        .into()
    } else {
        let listed = COLLATERALS
            .may_load(deps.storage, &collateral)?
            .ok_or_else(|| ContractError::NotListed {
                kind: "collateral",
                id: collateral.clone(),
            })?;
        ledger::debit_collateral(deps.storage, &info.sender, sub_id, &collateral, amount)?;
        callback::transfer(&listed.asset, &info.sender, amount)?
    };
    // The margin check runs last, after the transfer, as a callback to ourselves: if it
    // fails the whole transaction (transfer included) is reverted.
    let check = callback::assert_initial_margin(&env, &info.sender, sub_id)?;
    Ok(Response::new()
        .add_message(transfer)
        .add_message(check)
        .add_attribute("action", "withdraw")
        .add_attribute("owner", info.sender)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("collateral", collateral)
        .add_attribute("amount", amount))
}
