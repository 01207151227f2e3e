//! Callbacks the contract sends itself after a user's actions.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};

use ballast_types::clearinghouse::CallbackMsg;

use crate::error::{ContractError, ContractResult};
use crate::margin::account_report;

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
        CallbackMsg::AssertInitialMargin { owner, sub_id } => {
            let owner = deps.api.addr_validate(&owner)?;
            let report = account_report(deps.as_ref(), &env, &owner, sub_id)?;
            if report.equity < report.initial_margin {
                return Err(ContractError::BelowInitialMargin {
                    owner: owner.to_string(),
                    sub_id,
                    equity: report.equity.to_string(),
                    required: report.initial_margin.to_string(),
                });
            }
            Ok(Response::new()
                .add_attribute("action", "assert_initial_margin")
                .add_attribute("equity", report.equity.to_string())
                .add_attribute("initial_margin", report.initial_margin.to_string()))
        }
    }
}
