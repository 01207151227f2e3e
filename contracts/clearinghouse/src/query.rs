//! Queries; every list is paginated with a capped limit.

use cosmwasm_std::{Addr, Decimal, Deps, Env, Order};
use cw_storage_plus::{Bound, Map};

use ballast_types::clearinghouse::{
    AccountRef, AccountResponse, ConfigResponse, FundingResponse, Holding, LotResponse,
    MarketResponse, NamedCollateral, NamedMarket, NamedUnderlying, OrderStatus, PositionResponse,
    TotalsResponse,
};

use crate::error::{ContractError, ContractResult};
use crate::funding::expiry;
use crate::ledger::{position_cash, MarketCash};
use crate::margin::{account_report_after, WhatIf};
use crate::state::{
    Account, ACCOUNTS, CANCELLED, CLEARING, COLLATERALS, COLLATERAL_TOTAL, CONFIG, EXPIRY_PRICE,
    FEES, FILLED, FROZEN, FUNDING, HOLDINGS, LOSSES, LOTS, MARKETS, MAX_COLLATERALS, MIN_NONCE,
    OPEN_INTEREST, POSITIONS, UNDERLYINGS,
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
        funding: c.funding,
        liquidation: c.liquidation,
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

#[inline(never)]
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
        positions: positions(deps, owner, sub_id)?,
        lot: FROZEN.may_load(deps.storage, (owner, sub_id))?,
        agent: a.agent.map(|a| a.to_string()),
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
    // Raw keys (a sub-id is its 4 big-endian bytes) and `account` per item: 0.6 KB of wasm
    // smaller than a typed range, and 0.25 KB smaller than loading the account here without
    // re-validating the owner — size binds this contract, a list query can afford the
    // extra address check.
    let start = start_after.map(|s| Bound::ExclusiveRaw(s.to_be_bytes().to_vec()));
    ACCOUNTS
        .prefix(&owner)
        .keys_raw(deps.storage, start, None, Order::Ascending)
        .take(limit(l))
        .map(|key| {
            let sub_id = <[u8; 4]>::try_from(key.as_slice())
                .map(u32::from_be_bytes)
                .map_err(|_| ContractError::Overflow("sub-account key"))?;
            account(deps, owner.to_string(), sub_id)
        })
        .collect()
}

pub fn margin(
    deps: Deps,
    env: &Env,
    owner: String,
    sub_id: u32,
    what_if: Option<WhatIf>,
) -> ContractResult<ballast_risk::model::MarginReport> {
    let owner = deps.api.addr_validate(&owner)?;
    account_report_after(deps, env, &owner, sub_id, what_if)
}

/// Positions with what they would settle at the markets' stored state (funding accrued to
/// the last crank or trade; expiry at the fixed price): no oracle call, so the account is
/// always readable. The margin report accrues to now.
fn positions(deps: Deps, owner: &Addr, sub_id: u32) -> ContractResult<Vec<PositionResponse>> {
    let config = CONFIG.load(deps.storage)?;
    POSITIONS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(crate::state::MAX_MARKETS)
        .map(|r| {
            let (market, p) = r?;
            let m = MARKETS.load(deps.storage, &market)?;
            let cash = match (expiry(&m), EXPIRY_PRICE.may_load(deps.storage, &market)?) {
                (None, _) => MarketCash::Perp {
                    funding: FUNDING.may_load(deps.storage, &market)?.unwrap_or_default(),
                    index: Decimal::zero(),
                },
                (Some(_), Some(price)) => MarketCash::Expired { price },
                (Some(_), None) => MarketCash::Live,
            };
            let (pending, _) = position_cash(&config, &m, &p, &cash)?;
            Ok(PositionResponse {
                market,
                size: p.size,
                entry_price: p.entry_price,
                pending,
            })
        })
        .collect()
}

pub fn market(deps: Deps, market: String) -> ContractResult<MarketResponse> {
    let config =
        MARKETS
            .may_load(deps.storage, &market)?
            .ok_or_else(|| ContractError::NotListed {
                kind: "market",
                id: market.clone(),
            })?;
    let funding_config = CONFIG.load(deps.storage)?.funding;
    let funding = match expiry(&config) {
        None => {
            let f = FUNDING.may_load(deps.storage, &market)?.unwrap_or_default();
            Some(FundingResponse {
                rate: crate::funding::rate(&f, &funding_config)?,
                cumulative: f.cumulative,
                premium: f.premium,
                updated: f.updated,
            })
        }
        Some(_) => None,
    };
    Ok(MarketResponse {
        open_interest: OPEN_INTEREST
            .may_load(deps.storage, &market)?
            .unwrap_or_default(),
        expiry_price: EXPIRY_PRICE.may_load(deps.storage, &market)?,
        funding,
        config,
        id: market,
    })
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

pub fn totals(deps: Deps) -> ContractResult<TotalsResponse> {
    Ok(TotalsResponse {
        fees: FEES.may_load(deps.storage)?.unwrap_or_default(),
        clearing: CLEARING.may_load(deps.storage)?.unwrap_or_default(),
        losses: LOSSES.may_load(deps.storage)?.unwrap_or_default(),
    })
}

/// A lot; its value only when the oracle can price it now.
pub fn lot(deps: Deps, env: &Env, id: u64) -> ContractResult<LotResponse> {
    let lot = LOTS
        .may_load(deps.storage, id)?
        .ok_or(ContractError::LotClosed { lot: id })?;
    let config = CONFIG.load(deps.storage)?;
    let value = crate::execute::liquidate::lot_value(deps, env, &config, &lot).ok();
    Ok(LotResponse {
        id,
        account: AccountRef {
            owner: lot.owner.to_string(),
            sub_id: lot.sub_id,
        },
        positions: lot.positions,
        collateral: lot.collateral,
        debt: lot.debt,
        open: lot.open,
        value,
    })
}
