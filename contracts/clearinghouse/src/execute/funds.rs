//! Collateral in (native coins, cw20 `Receive`) and out (`Withdraw`, margin-checked by a
//! callback that runs after the transfer).

use cosmwasm_std::{
    from_json, to_json_binary, Addr, BankMsg, Coin, CosmosMsg, DepsMut, Env, Int128, MessageInfo,
    Response, Uint128, WasmMsg,
};
use cw20::{Cw20ExecuteMsg, Cw20ReceiveMsg};

use ballast_types::clearinghouse::{AssetInfo, CallbackMsg, ExecuteMsg, ReceiveMsg};

use crate::error::{ContractError, ContractResult};
use crate::state::{
    ACCOUNTS, COLLATERALS, COLLATERAL_BY_ASSET, COLLATERAL_TOTAL, CONFIG, HOLDINGS,
};

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
        None => {
            let amount = to_int(amount)?;
            ACCOUNTS.update(deps.storage, (owner, sub_id), |a| -> ContractResult<_> {
                let mut a = a.ok_or_else(|| ContractError::NoAccount {
                    owner: owner.to_string(),
                    sub_id,
                })?;
                a.settlement = a
                    .settlement
                    .checked_add(amount)
                    .map_err(|_| ContractError::Overflow("settlement"))?;
                Ok(a)
            })?;
        }
        Some(id) => {
            let config = COLLATERALS.load(deps.storage, id)?;
            let total = COLLATERAL_TOTAL
                .may_load(deps.storage, id)?
                .unwrap_or_default();
            let new_total = total
                .checked_add(amount)
                .map_err(|_| ContractError::Overflow("collateral total"))?;
            if new_total > config.cap {
                return Err(ContractError::CapExceeded {
                    collateral: id.to_string(),
                    amount,
                    total,
                    cap: config.cap,
                });
            }
            COLLATERAL_TOTAL.save(deps.storage, id, &new_total)?;
            let held = HOLDINGS
                .may_load(deps.storage, (owner, sub_id, id))?
                .unwrap_or_default();
            // Cannot overflow: held ≤ new_total.
            HOLDINGS.save(deps.storage, (owner, sub_id, id), &(held + amount))?;
        }
    }
    Ok(())
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
                .may_load(deps.storage, &coin.denom)?
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
    let id = match COLLATERAL_BY_ASSET.may_load(deps.storage, &token)? {
        Some(id)
            if matches!(
                COLLATERALS.load(deps.storage, &id)?.asset,
                AssetInfo::Cw20 { .. }
            ) =>
        {
            id
        }
        _ => return Err(ContractError::UnlistedToken { token }),
    };
    let owner = deps.api.addr_validate(&msg.sender)?;
    let ReceiveMsg::Deposit { sub_id } = from_json(&msg.msg)?;
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
    deps: DepsMut,
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
    let config = CONFIG.load(deps.storage)?;
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
        let held = HOLDINGS
            .may_load(deps.storage, (&info.sender, sub_id, &collateral))?
            .unwrap_or_default();
        if amount > held {
            return Err(ContractError::InsufficientBalance {
                collateral,
                requested: amount,
                available: held,
            });
        }
        let left = held - amount;
        if left.is_zero() {
            HOLDINGS.remove(deps.storage, (&info.sender, sub_id, &collateral));
        } else {
            HOLDINGS.save(deps.storage, (&info.sender, sub_id, &collateral), &left)?;
        }
        let total = COLLATERAL_TOTAL.load(deps.storage, &collateral)?;
        COLLATERAL_TOTAL.save(deps.storage, &collateral, &(total - amount))?;
        match listed.asset {
            AssetInfo::Native { denom } => BankMsg::Send {
                to_address: info.sender.to_string(),
                amount: vec![Coin::new(amount, denom)],
            }
            .into(),
            AssetInfo::Cw20 { address } => WasmMsg::Execute {
                contract_addr: address,
                msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                    recipient: info.sender.to_string(),
                    amount,
                })?,
                funds: vec![],
            }
            .into(),
        }
    };
    // The margin check runs last, after the transfer, as a callback to ourselves: if it
    // fails the whole transaction (transfer included) is reverted.
    let check = WasmMsg::Execute {
        contract_addr: env.contract.address.to_string(),
        msg: to_json_binary(&ExecuteMsg::Callback(CallbackMsg::AssertInitialMargin {
            owner: info.sender.to_string(),
            sub_id,
        }))?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_message(transfer)
        .add_message(check)
        .add_attribute("action", "withdraw")
        .add_attribute("owner", info.sender)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("collateral", collateral)
        .add_attribute("amount", amount))
}
