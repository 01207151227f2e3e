//! Callbacks the contract sends itself after a user's actions.

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, CosmosMsg, DepsMut, Env, MessageInfo, Response, Uint128,
    WasmMsg,
};

use ballast_types::clearinghouse::{AccountRef, AssetInfo, CallbackMsg};

use crate::error::{ContractError, ContractResult};
use crate::margin::{whole, Snapshot};

pub fn callback(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: CallbackMsg,
) -> ContractResult<Response> {
    if info.sender != env.contract.address {
        return Err(ContractError::CallbackNotFromSelf {
            sender: info.sender.to_string(),
        });
    }
    match msg {
        CallbackMsg::AssertInitialMargin(AccountRef { owner, sub_id }) => {
            let owner = deps.api.addr_validate(&owner)?;
            let s = Snapshot::load(deps.as_ref(), &env, &owner, sub_id, None)?;
            let report = s.report()?;
            if report.equity < report.initial_margin {
                let d = s.config.settlement_decimals;
                return Err(ContractError::BelowInitialMargin {
                    owner: owner.to_string(),
                    sub_id,
                    equity: whole(report.equity, d),
                    required: whole(report.initial_margin, d),
                });
            }
            Ok(Response::new()
                .add_attribute("action", "assert_initial_margin")
                .add_attribute("equity", report.equity.to_string())
                .add_attribute("initial_margin", report.initial_margin.to_string()))
        }
    }
}

/// The `{"callback": …}` execute message, serialized on its own: serializing it through
/// `ExecuteMsg` would link the serializers of every execute variant into the wasm (tens of
/// KB) for the one variant the contract ever sends.
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum SelfMsg<'a> {
    Callback(&'a CallbackMsg),
}

/// The self-callback that requires the account to be at or above initial margin once the
/// user's actions (and their transfers) have run.
pub fn assert_initial_margin(env: &Env, owner: &Addr, sub_id: u32) -> ContractResult<WasmMsg> {
    let msg = CallbackMsg::AssertInitialMargin(AccountRef {
        owner: owner.to_string(),
        sub_id,
    });
    Ok(WasmMsg::Execute {
        contract_addr: env.contract.address.to_string(),
        msg: to_json_binary(&SelfMsg::Callback(&msg))?,
        funds: vec![],
    })
}

/// cw20's `{"transfer": {recipient, amount}}`, serialized on its own for the same reason
/// (cw20's whole `Cw20ExecuteMsg` serializer is large).
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum Cw20Transfer<'a> {
    Transfer { recipient: &'a str, amount: Uint128 },
}

/// A transfer of `amount` of a listed asset to `to`.
pub fn transfer(asset: &AssetInfo, to: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    Ok(match asset {
        AssetInfo::Native { denom } => BankMsg::Send {
            to_address: to.to_string(),
            amount: vec![Coin::new(amount, denom.clone())],
        }
        .into(),
        AssetInfo::Cw20 { address } => WasmMsg::Execute {
            contract_addr: address.clone(),
            msg: to_json_binary(&Cw20Transfer::Transfer {
                recipient: to.as_str(),
                amount,
            })?,
            funds: vec![],
        }
        .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::mock_env;

    #[test]
    fn hand_serialized_messages_match_the_crates_own() {
        let env = mock_env();
        let owner = Addr::unchecked("owner");
        let WasmMsg::Execute { msg, .. } = assert_initial_margin(&env, &owner, 7).unwrap() else {
            panic!("not an execute")
        };
        let full = ballast_types::clearinghouse::ExecuteMsg::Callback(
            CallbackMsg::AssertInitialMargin(AccountRef {
                owner: "owner".into(),
                sub_id: 7,
            }),
        );
        assert_eq!(msg, to_json_binary(&full).unwrap());
        let asset = AssetInfo::Cw20 {
            address: "token".into(),
        };
        let CosmosMsg::Wasm(WasmMsg::Execute { msg, .. }) =
            transfer(&asset, &owner, Uint128::new(5)).unwrap()
        else {
            panic!("not an execute")
        };
        let full = cw20::Cw20ExecuteMsg::Transfer {
            recipient: "owner".into(),
            amount: Uint128::new(5),
        };
        assert_eq!(msg, to_json_binary(&full).unwrap());
    }
}
