//! Opening accounts and changing their margin mode.

use cosmwasm_std::{Addr, DepsMut, Env, Int128, MessageInfo, Order, Response};

use ballast_types::clearinghouse::AccountMode;

use crate::error::{ContractError, ContractResult};
use crate::state::{Account, ACCOUNTS, MARKETS, MAX_MARKETS, POSITIONS};

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
            agent: None,
            recorded_debt: Default::default(),
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "create_account")
        .add_attribute("owner", info.sender)
        .add_attribute("sub_id", sub_id.to_string()))
}

/// Changes an account's margin mode; the margin check runs after, as a callback.
pub fn set_mode(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    sub_id: u32,
    mode: AccountMode,
) -> ContractResult<Response> {
    let mut account = ACCOUNTS
        .may_load(deps.storage, (&info.sender, sub_id))?
        .ok_or_else(|| ContractError::NoAccount {
            owner: info.sender.to_string(),
            sub_id,
        })?;
    crate::ledger::ensure_not_frozen(deps.storage, &info.sender, sub_id)?;
    if let AccountMode::Isolated { market } = &mode {
        if !MARKETS.has(deps.storage, market) {
            return Err(ContractError::NotListed {
                kind: "market",
                id: market.clone(),
            });
        }
        // Bounded: one position per listed market at most.
        let other = POSITIONS
            .prefix((&info.sender, sub_id))
            .keys(deps.storage, None, None, Order::Ascending)
            .take(MAX_MARKETS)
            .find(|k| k.as_ref().map(|k| k != market).unwrap_or(true))
            .transpose()?;
        if let Some(held) = other {
            return Err(ContractError::HoldsOtherMarkets {
                market: market.clone(),
                held,
            });
        }
    }
    account.mode = mode;
    ACCOUNTS.save(deps.storage, (&info.sender, sub_id), &account)?;
    let check = super::callback::assert_initial_margin(&env, &info.sender, sub_id)?;
    Ok(Response::new()
        .add_message(check)
        .add_attribute("action", "set_mode")
        .add_attribute("owner", info.sender)
        .add_attribute("sub_id", sub_id.to_string()))
}

/// Names (or, with `None`, removes) the account's agent: an address whose ADR-36 signed
/// orders trade for the account as the owner's would (Hyperliquid's agent wallets, dYdX's
/// permissioned keys). An agent cannot withdraw, change the mode, cancel or name agents:
/// every other message still needs the owner as sender. A contract owner (the insurance
/// pool's backstop account) trades through its agent, since a contract cannot sign.
pub fn set_agent(
    deps: DepsMut,
    info: MessageInfo,
    sub_id: u32,
    agent: Option<String>,
) -> ContractResult<Response> {
    let key = (&info.sender, sub_id);
    let mut account =
        ACCOUNTS
            .may_load(deps.storage, key)?
            .ok_or_else(|| ContractError::NoAccount {
                owner: info.sender.to_string(),
                sub_id,
            })?;
    account.agent = agent.map(|a| deps.api.addr_validate(&a)).transpose()?;
    let named = account.agent.as_ref().map(Addr::to_string);
    ACCOUNTS.save(deps.storage, key, &account)?;
    Ok(Response::new()
        .add_attribute("action", "set_agent")
        .add_attribute("owner", info.sender)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("agent", named.unwrap_or_default()))
}
