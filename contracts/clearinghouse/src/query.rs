//! Queries; every list is paginated with a capped limit.

use cosmwasm_std::{Addr, Deps, Env, Order, Uint128};
use cw_storage_plus::{Bound, Map};

use ballast_types::clearinghouse::{
    AccountResponse, ConfigResponse, Holding, NamedCollateral, NamedMarket, NamedUnderlying,
    OrderStatus, PositionResponse,
};

use crate::error::{ContractError, ContractResult};
use crate::margin::{account_report_after, Withdrawal};
use crate::state::{
    Account, ACCOUNTS, CANCELLED, COLLATERALS, COLLATERAL_TOTAL, CONFIG, FEES, FILLED, HOLDINGS,
    MARKETS, MAX_COLLATERALS, MIN_NONCE, POSITIONS, UNDERLYINGS,
};

use ballast_types::pagination::page_limit as limit;

fn page<T>(
    deps: Deps,
    map: &Map<&str, T>,
    start_after: Option<String>,
    l: Option<u32>,
) -> ContractResult<Vec<(String, T)>>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let start = start_after.as_deref().map(Bound::exclusive);
    Ok(map
        .range(deps.storage, start, None, Order::Ascending)
        .take(limit(l))
        .collect::<Result<_, _>>()?)
}

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        oracle: c.oracle.to_string(),
        settlement_denom: c.settlement_denom,
        settlement_decimals: c.settlement_decimals,
        risk: c.risk,
    })
}

pub fn underlyings(
    deps: Deps,
    start_after: Option<String>,
    l: Option<u32>,
) -> ContractResult<Vec<NamedUnderlying>> {
    Ok(page(deps, &UNDERLYINGS, start_after, l)?
        .into_iter()
        .map(|(name, config)| NamedUnderlying { name, config })
        .collect())
}

pub fn collaterals(
    deps: Deps,
    start_after: Option<String>,
    l: Option<u32>,
) -> ContractResult<Vec<NamedCollateral>> {
    page(deps, &COLLATERALS, start_after, l)?
        .into_iter()
        .map(|(id, config)| {
            let total = COLLATERAL_TOTAL
                .may_load(deps.storage, &id)?
                .unwrap_or_default();
            Ok(NamedCollateral { id, config, total })
        })
        .collect()
}

pub fn markets(
    deps: Deps,
    start_after: Option<String>,
    l: Option<u32>,
) -> ContractResult<Vec<NamedMarket>> {
    Ok(page(deps, &MARKETS, start_after, l)?
        .into_iter()
        .map(|(id, config)| NamedMarket { id, config })
        .collect())
}

fn account_response(
    deps: Deps,
    owner: &Addr,
    sub_id: u32,
    a: Account,
) -> ContractResult<AccountResponse> {
    let collateral = HOLDINGS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_COLLATERALS)
        .map(|r| r.map(|(collateral, amount)| Holding { collateral, amount }))
        .collect::<Result<_, _>>()?;
    Ok(AccountResponse {
        owner: owner.to_string(),
        sub_id,
        mode: a.mode,
        settlement: a.settlement,
        collateral,
    })
}

pub fn account(deps: Deps, owner: String, sub_id: u32) -> ContractResult<AccountResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let a = ACCOUNTS
        .may_load(deps.storage, (&owner, sub_id))?
        .ok_or_else(|| ContractError::NoAccount {
            owner: owner.to_string(),
            sub_id,
        })?;
    account_response(deps, &owner, sub_id, a)
}

pub fn accounts(
    deps: Deps,
    owner: String,
    start_after: Option<u32>,
    l: Option<u32>,
) -> ContractResult<Vec<AccountResponse>> {
    let owner = deps.api.addr_validate(&owner)?;
    ACCOUNTS
        .prefix(&owner)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit(l))
        .map(|r| {
            let (sub_id, a) = r?;
            account_response(deps, &owner, sub_id, a)
        })
        .collect()
}

pub fn margin(
    deps: Deps,
    env: &Env,
    owner: String,
    sub_id: u32,
    withdrawal: Option<(String, Uint128)>,
) -> ContractResult<ballast_risk::model::MarginReport> {
    let owner = deps.api.addr_validate(&owner)?;
    let w = withdrawal.as_ref().map(|(c, a)| Withdrawal {
        collateral: c,
        amount: *a,
    });
    account_report_after(deps, env, &owner, sub_id, w)
}

pub fn positions(deps: Deps, owner: String, sub_id: u32) -> ContractResult<Vec<PositionResponse>> {
    let owner = deps.api.addr_validate(&owner)?;
    POSITIONS
        .prefix((&owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(crate::state::MAX_MARKETS)
        .map(|r| {
            let (market, p) = r?;
            Ok(PositionResponse {
                market,
                size: p.size,
                entry_price: p.entry_price,
            })
        })
        .collect()
}

pub fn order_status(deps: Deps, order: ballast_types::order::Order) -> ContractResult<OrderStatus> {
    let hash = order.hash();
    let min_nonce = match deps.api.addr_validate(&order.owner) {
        Ok(owner) => MIN_NONCE
            .may_load(deps.storage, (&owner, order.sub_id))?
            .unwrap_or(0),
        Err(_) => 0,
    };
    Ok(OrderStatus {
        hash: hash.to_vec().into(),
        filled: FILLED.may_load(deps.storage, &hash)?.unwrap_or_default(),
        cancelled: CANCELLED.has(deps.storage, &hash) || order.nonce < min_nonce,
        min_nonce,
    })
}

pub fn fees(deps: Deps) -> ContractResult<Uint128> {
    Ok(FEES.may_load(deps.storage)?.unwrap_or_default())
}
