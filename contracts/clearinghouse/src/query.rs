//! Queries; every list is paginated with a capped limit.

use cosmwasm_std::{Addr, Binary, Decimal, Deps, Env, Int128, Order, SignedDecimal, Uint128};
use cw_storage_plus::{Bound, Map};

use ballast_types::clearinghouse::{
    AccountMode, AccountRef, AccountResponse, ConfigResponse, FundingResponse, Holding,
    LotResponse, MarketResponse, NamedCollateral, NamedMarket, NamedUnderlying, OrderStatus,
    PositionResponse, TotalsResponse, MAX_RAW_RANGE,
};

use crate::error::{ContractError, ContractResult};
use crate::execute::trade::next_position;
use crate::funding::expiry;
use crate::ledger::{position_cash, MarketCash};
use crate::margin::{decimal, scale, Snapshot};
use crate::state::{
    Account, Position, ACCOUNTS, CANCELLED, CLEARING, COLLATERALS, COLLATERAL_TOTAL, CONFIG,
    EXPIRY_PRICE, FEES, FILLED, FROZEN, FUNDING, HOLDINGS, LOSSES, LOTS, MARKETS, MAX_COLLATERALS,
    MIN_NONCE, OPEN_INTEREST, POSITIONS, UNDERLYINGS,
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

/// A change to apply before margining, for what-if queries.
pub enum WhatIf<'a> {
    Withdraw {
        collateral: &'a str,
        amount: Uint128,
    },
    /// A fill of signed `size` at `price` (whole settlement units), taker fee charged.
    Trade {
        market: &'a str,
        size: SignedDecimal,
        price: Decimal,
    },
}

pub fn margin(
    deps: Deps,
    env: &Env,
    owner: String,
    sub_id: u32,
    what_if: Option<WhatIf>,
) -> ContractResult<ballast_risk::model::MarginReport> {
    let owner = deps.api.addr_validate(&owner)?;
    let extra = match &what_if {
        Some(WhatIf::Trade { market, .. }) => Some(*market),
        _ => None,
    };
    let mut s = Snapshot::load(deps, env, &owner, sub_id, extra)?;
    match what_if {
        Some(WhatIf::Withdraw { collateral, amount })
            if collateral == s.config.settlement_denom =>
        {
            s.settlement = s
                .settlement
                .checked_sub(
                    Int128::try_from(amount).map_err(|_| ContractError::Overflow("amount"))?,
                )
                .map_err(|_| ContractError::Overflow("settlement"))?;
        }
        Some(WhatIf::Withdraw { collateral, amount }) => {
            let available = s
                .holdings
                .iter()
                .find(|(id, _)| id == collateral)
                .map(|(_, a)| *a)
                .unwrap_or_default();
            let left =
                available
                    .checked_sub(amount)
                    .map_err(|_| ContractError::InsufficientBalance {
                        collateral: collateral.to_string(),
                        requested: amount,
                        available,
                    })?;
            if let Some(h) = s.holdings.iter_mut().find(|(id, _)| id == collateral) {
                h.1 = left;
            }
        }
        Some(WhatIf::Trade {
            market,
            size,
            price,
        }) => what_if_trade(&mut s, env, market, size, price)?,
        None => {}
    }
    s.report()
}

/// Applies a hypothetical fill to the snapshot: the position as a real fill would leave it
/// (funding due already settled at the old size), the balance less what the account would
/// pay for it (notional rounded up, plus the taker fee rounded up).
fn what_if_trade(
    s: &mut Snapshot,
    env: &Env,
    market: &str,
    size: SignedDecimal,
    price: Decimal,
) -> ContractResult<()> {
    if let AccountMode::Isolated { market: own } = &s.mode {
        if own != market {
            return Err(ContractError::IsolatedElsewhere {
                market: own.clone(),
                traded: market.to_string(),
            });
        }
    }
    let i = s
        .position_index(market)
        .ok_or(ContractError::Overflow("market"))?;
    let m = &s.held[i].market;
    if let Some(e) = expiry(m).filter(|e| *e <= env.block.time.seconds()) {
        return Err(ContractError::MarketExpired {
            market: market.to_string(),
            expiry: e,
        });
    }
    if size.is_zero() || price.is_zero() {
        return Err(ContractError::ZeroSizeOrPrice {});
    }
    let of = |_| ContractError::Overflow("what-if trade");
    let base_price = decimal(price)?
        .checked_mul(scale(s.config.settlement_decimals, 0))
        .map_err(of)?;
    let notional = size.checked_mul(base_price).map_err(of)?;
    let fee = notional
        .abs_diff(SignedDecimal::zero())
        .checked_mul(m.taker_fee)
        .map_err(of)?
        .to_uint_ceil();
    let fee = Int128::try_from(fee).map_err(|_| ContractError::Overflow("fee"))?;
    let old = s.held[i].position.clone();
    let held = (!old.size.is_zero()).then(|| old.clone());
    s.held[i].position = match next_position(held, size, base_price)? {
        Some(p) => Position {
            funding_index: old.funding_index,
            ..p
        },
        None => Position {
            size: SignedDecimal::zero(),
            ..old
        },
    };
    // Pays rounded up, receives rounded down; the fee rounds up.
    s.settlement = notional
        .to_int_ceil()
        .checked_add(fee)
        .and_then(|paid| s.settlement.checked_sub(paid))
        .map_err(of)?;
    Ok(())
}

/// Positions with what they would settle at the markets' stored state (funding accrued to
/// the last crank or trade; expiry at the fixed price): no oracle call, so the account is
/// always readable. The margin report accrues to now.
fn positions(deps: Deps, owner: &Addr, sub_id: u32) -> ContractResult<Vec<PositionResponse>> {
    let config = CONFIG.load(deps.storage)?;
    POSITIONS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(crate::state::MAX_POSITIONS)
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

/// Raw records in [start, end), ascending, at most `limit` (≤ `MAX_RAW_RANGE`).
pub fn raw_range(
    deps: Deps,
    start: Option<Binary>,
    end: Option<Binary>,
    limit: Option<u32>,
) -> Vec<(Binary, Binary)> {
    let l = limit.unwrap_or(30).min(MAX_RAW_RANGE) as usize;
    deps.storage
        .range(start.as_deref(), end.as_deref(), Order::Ascending)
        .take(l)
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

/// A lot; its value only when the oracle can price it now.
pub fn lot(deps: Deps, env: &Env, id: u64) -> ContractResult<LotResponse> {
    let mut lot = LOTS
        .may_load(deps.storage, id)?
        .ok_or(ContractError::LotClosed { lot: id })?;
    // What the account still holds of it (an expiry settled meanwhile leaves the lot).
    let value = crate::execute::lot::lot_now(deps, env, &mut lot).ok();
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
