//! Opening accounts.

use cosmwasm_std::{DepsMut, Int128, MessageInfo, Response};

use ballast_types::clearinghouse::AccountMode;

use crate::error::{ContractError, ContractResult};
use crate::state::{Account, ACCOUNTS, MARKETS};

pub fn create_account(
    deps: DepsMut,
    info: MessageInfo,
    sub_id: u32,
    mode: AccountMode,
) -> ContractResult<Response> {
    if ACCOUNTS.has(deps.storage, (&info.sender, sub_id)) {
        return Err(ContractError::AccountExists {
            owner: info.sender.to_string(),
            sub_id,
        });
    }
    if let AccountMode::Isolated { market } = &mode {
        if !MARKETS.has(deps.storage, market) {
            return Err(ContractError::NotListed {
                kind: "market",
                id: market.clone(),
            });
        }
    }
    ACCOUNTS.save(
        deps.storage,
        (&info.sender, sub_id),
        &Account {
            mode,
            settlement: Int128::zero(),
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "create_account")
        .add_attribute("owner", info.sender)
        .add_attribute("sub_id", sub_id.to_string()))
}
