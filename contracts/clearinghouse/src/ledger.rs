//! The ledger's internal API: every change to an account's money or positions goes through
//! here, so conservation is kept in one place. Later contracts' paths (liquidation, the
//! auction, the IBC gateway) use the same functions.
//!
//! Conservation (checked after every step of the tests): the clearinghouse's settlement-denom
//! balance = Σ account settlement + fees + clearing; its balance of each other collateral =
//! Σ holdings of it = its collateral total.

use cosmwasm_std::{
    Addr, Decimal, Deps, DepsMut, Env, Int128, Order, SignedDecimal, Storage, Uint128,
};

use ballast_types::clearinghouse::MarketConfig;

use crate::error::{ContractError, ContractResult};
use crate::funding::{accrue, expiry, expiry_cash, funding_cash};
use crate::margin::{scale, Quotes, Snapshot};
use crate::state::{
    Config, FundingState, Position, ACCOUNTS, CLEARING, COLLATERALS, COLLATERAL_TOTAL,
    EXPIRY_PRICE, FROZEN, FUNDING, HOLDERS, HOLDINGS, OPEN_INTEREST, POSITIONS, UNDERLYINGS,
};

/// What a market's positions settle against now.
pub enum MarketCash {
    /// A dated market before expiry: nothing to settle.
    Live,
    /// A perp: its funding accrued to now, and the oracle index used (whole units).
    Perp {
        funding: FundingState,
        index: Decimal,
    },
    /// A dated market past expiry: its settlement price (whole units).
    Expired { price: Decimal },
}

/// The market's state brought to now, without writing it: funding accrued at the current
/// index; past expiry, the fixed settlement price or (not fixed yet) the current price
/// that fixing would use.
pub fn market_cash(
    deps: Deps,
    env: &Env,
    config: &Config,
    id: &str,
    m: &MarketConfig,
    index: impl FnOnce() -> ContractResult<Decimal>,
) -> ContractResult<MarketCash> {
    let now = env.block.time.seconds();
    Ok(match expiry(m) {
        None => {
            let index = index()?;
            let f = FUNDING.may_load(deps.storage, id)?.unwrap_or(FundingState {
                updated: now,
                ..Default::default()
            });
            let base = crate::margin::decimal(index)?
                .checked_mul(scale(config.settlement_decimals, 0))
                .map_err(|_| ContractError::Overflow("index"))?;
            MarketCash::Perp {
                funding: accrue(&f, &config.funding, base, now)?,
                index,
            }
        }
        Some(e) if now >= e => MarketCash::Expired {
            price: match EXPIRY_PRICE.may_load(deps.storage, id)? {
                Some(p) => p,
                None => index()?,
            },
        },
        Some(_) => MarketCash::Live,
    })
}

/// The oracle price of the market's underlying now (whole settlement units per unit).
pub fn index_price(deps: Deps, config: &Config, m: &MarketConfig) -> ContractResult<Decimal> {
    let asset = UNDERLYINGS.load(deps.storage, &m.underlying)?.oracle_asset;
    Ok(
        Quotes::fetch(deps, &config.oracle, std::slice::from_ref(&asset))?
            .get(&asset)?
            .price,
    )
}

/// `market_cash` at the current index, then saved: accrued funding, or the settlement
/// price fixed at expiry.
pub fn touch_market(
    deps: &mut DepsMut,
    env: &Env,
    config: &Config,
    id: &str,
    m: &MarketConfig,
) -> ContractResult<MarketCash> {
    let cash = market_cash(deps.as_ref(), env, config, id, m, || {
        index_price(deps.as_ref(), config, m)
    })?;
    save_cash(deps, id, &cash)?;
    Ok(cash)
}

/// Stores what `market_cash` brought to now: accrued funding, or the expiry price.
pub fn save_cash(deps: &mut DepsMut, id: &str, cash: &MarketCash) -> ContractResult<()> {
    match cash {
        MarketCash::Perp { funding, .. } => FUNDING.save(deps.storage, id, funding)?,
        MarketCash::Expired { price } => EXPIRY_PRICE.save(deps.storage, id, price)?,
        MarketCash::Live => {}
    }
    Ok(())
}

/// The cash a position settles against its market now and what is left of it: funding
/// (the position stays, its index moved up) or the expiry payoff (the position closes).
pub fn position_cash(
    config: &Config,
    m: &MarketConfig,
    p: &Position,
    cash: &MarketCash,
) -> ContractResult<(Int128, Option<Position>)> {
    Ok(match cash {
        MarketCash::Live => (Int128::zero(), Some(p.clone())),
        MarketCash::Perp { funding, .. } => (
            funding_cash(p, funding.cumulative)?,
            Some(Position {
                funding_index: funding.cumulative,
                ..p.clone()
            }),
        ),
        MarketCash::Expired { price } => (
            expiry_cash(m, p, *price, scale(config.settlement_decimals, 0))?,
            None,
        ),
    })
}

/// Adds `delta` (signed, base units) to the account's settlement balance.
pub fn add_settlement(
    storage: &mut dyn Storage,
    owner: &Addr,
    sub_id: u32,
    delta: Int128,
) -> ContractResult<()> {
    let mut a = ACCOUNTS
        .may_load(storage, (owner, sub_id))?
        .ok_or_else(|| ContractError::NoAccount {
            owner: owner.to_string(),
            sub_id,
        })?;
    a.settlement = a
        .settlement
        .checked_add(delta)
        .map_err(|_| ContractError::Overflow("settlement"))?;
    // Recorded bad debt is what is still owed of it: a recovering balance repays it.
    let owed = if a.settlement.is_negative() {
        a.settlement.unsigned_abs()
    } else {
        Uint128::zero()
    };
    a.recorded_debt = a.recorded_debt.min(owed);
    ACCOUNTS
        .save(storage, (owner, sub_id), &a)
        .map_err(Into::into)
}

/// Moves `delta` between the clearing balance and an account (funding, expiry): the account
/// gets `delta`, the clearing balance gives it.
fn clear(
    storage: &mut dyn Storage,
    owner: &Addr,
    sub_id: u32,
    delta: Int128,
) -> ContractResult<()> {
    if delta.is_zero() {
        return Ok(());
    }
    add_settlement(storage, owner, sub_id, delta)?;
    let c = CLEARING.may_load(storage)?.unwrap_or_default();
    CLEARING.save(
        storage,
        &c.checked_sub(delta)
            .map_err(|_| ContractError::Overflow("clearing"))?,
    )?;
    Ok(())
}

fn long_part(p: Option<&Position>) -> ContractResult<Decimal> {
    let long = p
        .map(|p| p.size)
        .unwrap_or_default()
        .max(SignedDecimal::zero());
    Decimal::try_from(long).map_err(|_| ContractError::Overflow("open interest"))
}

/// Replaces the account's position in `market` (`old` as stored) by `new` (None: flat),
/// keeping the holders index and the market's open interest; returns the new open interest.
pub fn save_position(
    storage: &mut dyn Storage,
    owner: &Addr,
    sub_id: u32,
    market: &str,
    old: Option<&Position>,
    new: Option<&Position>,
) -> ContractResult<Decimal> {
    let key = (owner, sub_id, market);
    match new {
        Some(p) => {
            POSITIONS.save(storage, key, p)?;
            HOLDERS.save(storage, (market, owner, sub_id), &())?;
        }
        None => {
            POSITIONS.remove(storage, key);
            HOLDERS.remove(storage, (market, owner, sub_id));
        }
    }
    let oi = OPEN_INTEREST.may_load(storage, market)?.unwrap_or_default();
    // Open interest counts long sizes: add the new long part, remove the old one.
    let (add, remove) = (long_part(new)?, long_part(old)?);
    let oi = oi
        .checked_add(add)
        .and_then(|x| x.checked_sub(remove))
        .map_err(|_| ContractError::Overflow("open interest"))?;
    OPEN_INTEREST.save(storage, market, &oi)?;
    Ok(oi)
}

/// Settles one stored position against `cash`; returns the cash moved.
pub fn settle_position(
    storage: &mut dyn Storage,
    config: &Config,
    owner: &Addr,
    sub_id: u32,
    market: &str,
    m: &MarketConfig,
    cash: &MarketCash,
) -> ContractResult<Int128> {
    let Some(p) = POSITIONS.may_load(storage, (owner, sub_id, market))? else {
        return Ok(Int128::zero());
    };
    let (delta, left) = position_cash(config, m, &p, cash)?;
    clear(storage, owner, sub_id, delta)?;
    if left.as_ref() != Some(&p) {
        save_position(storage, owner, sub_id, market, Some(&p), left.as_ref())?;
    }
    Ok(delta)
}

/// Settles all of an account's pending funding and expired positions (touching each of its
/// markets, one oracle query for all); returns the account's balance after it.
pub fn settle_account(
    deps: &mut DepsMut,
    env: &Env,
    owner: &Addr,
    sub_id: u32,
) -> ContractResult<Int128> {
    Ok(Snapshot::settle(deps, env, owner, sub_id)?.settlement)
}

/// Credits `amount` of collateral `id` to the account, within the collateral's cap.
pub fn credit_collateral(
    storage: &mut dyn Storage,
    owner: &Addr,
    sub_id: u32,
    id: &str,
    amount: Uint128,
) -> ContractResult<()> {
    let config = COLLATERALS.load(storage, id)?;
    let total = COLLATERAL_TOTAL.may_load(storage, id)?.unwrap_or_default();
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
    COLLATERAL_TOTAL.save(storage, id, &new_total)?;
    let held = HOLDINGS
        .may_load(storage, (owner, sub_id, id))?
        .unwrap_or_default();
    // Cannot overflow: held ≤ new_total.
    HOLDINGS.save(storage, (owner, sub_id, id), &(held + amount))?;
    Ok(())
}

/// Moves `amount` of collateral `id` between two accounts. The total held does not change,
/// so the concentration cap (which only refuses deposits) is not consulted: a cap lowered
/// below what is held never blocks an auction.
pub fn move_collateral(
    storage: &mut dyn Storage,
    (from, from_sub): (&Addr, u32),
    (to, to_sub): (&Addr, u32),
    id: &str,
    amount: Uint128,
) -> ContractResult<()> {
    debit_collateral(storage, from, from_sub, id, amount)?;
    let held = HOLDINGS
        .may_load(storage, (to, to_sub, id))?
        .unwrap_or_default();
    let total = COLLATERAL_TOTAL.load(storage, id)?;
    // Cannot overflow: held + amount ≤ the total before the debit.
    HOLDINGS.save(storage, (to, to_sub, id), &(held + amount))?;
    COLLATERAL_TOTAL.save(storage, id, &(total + amount))?;
    Ok(())
}

/// Debits `amount` of collateral `id` from the account (refused beyond its holding).
pub fn debit_collateral(
    storage: &mut dyn Storage,
    owner: &Addr,
    sub_id: u32,
    id: &str,
    amount: Uint128,
) -> ContractResult<()> {
    let held = HOLDINGS
        .may_load(storage, (owner, sub_id, id))?
        .unwrap_or_default();
    let left = held
        .checked_sub(amount)
        .map_err(|_| ContractError::InsufficientBalance {
            collateral: id.to_string(),
            requested: amount,
            available: held,
        })?;
    if left.is_zero() {
        HOLDINGS.remove(storage, (owner, sub_id, id));
    } else {
        HOLDINGS.save(storage, (owner, sub_id, id), &left)?;
    }
    // Cannot underflow: the total is the sum of holdings, this one included.
    let total = COLLATERAL_TOTAL.load(storage, id)?;
    COLLATERAL_TOTAL.save(storage, id, &(total - amount))?;
    Ok(())
}

/// The market's holders after `start_after`, at most `limit` (for paged settlement).
pub fn holders(
    storage: &dyn Storage,
    market: &str,
    limit: usize,
) -> ContractResult<Vec<(Addr, u32)>> {
    Ok(HOLDERS
        .sub_prefix(market)
        .keys(storage, None, None, Order::Ascending)
        .take(limit)
        .collect::<Result<_, _>>()?)
}

/// Refuses an account frozen by an open liquidation lot.
pub fn ensure_not_frozen(storage: &dyn Storage, owner: &Addr, sub_id: u32) -> ContractResult<()> {
    match FROZEN.may_load(storage, (owner, sub_id))? {
        Some(lot) => Err(ContractError::Frozen { lot }),
        None => Ok(()),
    }
}
