//! Storage. Keys are never reused: a retired key keeps its name here, commented out.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Deps, Storage, Uint128};
use cw_storage_plus::{Item, Map};

use ballast_types::insurance::{CoverRecord, TotalsResponse, Tranche};

use crate::error::{ContractError, ContractResult};

// The owner lives in cw-ownable's own key ("ownership").

/// Settings.
pub const CONFIG: Item<Config> = Item::new("config");
/// tranche name ("junior" | "senior") → its token and ledger; written by the instantiate
/// replies, so both exist once the pool is instantiated.
pub const TRANCHES: Map<&str, TrancheState> = Map::new("tranches");
/// Id the next withdrawal request gets.
pub const NEXT_WITHDRAWAL_ID: Item<u64> = Item::new("next_withdrawal_id");
/// request id → the open withdrawal request.
pub const WITHDRAWALS: Map<u64, WithdrawalRequest> = Map::new("withdrawals");
/// (owner, request id) → (): the open requests of each owner, for paginated queries.
pub const OWNER_WITHDRAWALS: Map<(&Addr, u64), ()> = Map::new("owner_withdrawals");
/// Id the next cover gets.
pub const NEXT_COVER_ID: Item<u64> = Item::new("next_cover_id");
/// cover id → the cover as recorded (its `id` field repeats the key).
pub const COVERS: Map<u64, CoverRecord> = Map::new("covers");
/// Lifetime totals of covers and revenue.
pub const TOTALS: Item<TotalsResponse> = Item::new("totals");
/// The backstop: the pool's clearinghouse account and the auction it bids in (absent until
/// `SetBackstop`).
pub const BACKSTOP: Item<Backstop> = Item::new("backstop");
/// What the junior tranche owes the senior one (see `book`); absent means zero.
pub const JUNIOR_DEBT: Item<Uint128> = Item::new("junior_debt");

#[cw_serde]
pub struct Backstop {
    /// The auction whose floor bids the pool answers; `None`: not bidding.
    pub auction: Option<Addr>,
    /// The pool's clearinghouse account (fixed once set).
    pub sub_id: u32,
}

#[cw_serde]
pub struct Config {
    pub settlement_denom: String,
    pub clearinghouse_addr: Option<Addr>,
    /// The only address that may draw covers, and whose known deficits are counted.
    pub liquidator: Option<Addr>,
    pub share_code_id: u64,
    pub cooldown_secs: u64,
    pub withdraw_window_secs: u64,
    pub junior_tilt: Decimal,
}

#[cw_serde]
pub struct TrancheState {
    /// The tranche's cw20 share token (the pool is its only minter).
    pub token_addr: Addr,
    /// Settlement units the pool holds for the tranche (its liquid assets): deposits +
    /// revenue − payouts − covers, ± backstop funding and debt repayments. The junior
    /// tranche's value adds the backstop equity and subtracts its debt (see `book`).
    pub assets: Uint128,
    /// Shares locked in open withdrawal requests (held by the pool).
    pub locked: Uint128,
}

#[cw_serde]
pub struct WithdrawalRequest {
    pub owner: Addr,
    pub tranche: Tranche,
    pub shares: Uint128,
    pub requested_at: u64,
    pub unlock_at: u64,
    /// Last second `Withdraw` pays out (unlock_at + the window at request time).
    pub expires_at: u64,
}

pub fn load_tranche(storage: &dyn Storage, tranche: Tranche) -> ContractResult<TrancheState> {
    Ok(TRANCHES.load(storage, tranche.as_str())?)
}

pub fn save_tranche(
    storage: &mut dyn Storage,
    tranche: Tranche,
    state: &TrancheState,
) -> ContractResult<()> {
    Ok(TRANCHES.save(storage, tranche.as_str(), state)?)
}

/// The tranche whose share token is `token`, if any.
pub fn tranche_of_token(storage: &dyn Storage, token: &Addr) -> ContractResult<Option<Tranche>> {
    for tranche in Tranche::ALL {
        if let Some(t) = TRANCHES.may_load(storage, tranche.as_str())? {
            if t.token_addr == *token {
                return Ok(Some(tranche));
            }
        }
    }
    Ok(None)
}

/// Shares outstanding: the token's total supply (locked shares included; shares a holder
/// burned himself are gone, and their value stays with the other holders).
pub fn token_supply(deps: Deps, token: &Addr) -> ContractResult<Uint128> {
    let info: cw20::TokenInfoResponse = deps
        .querier
        .query_wasm_smart(token, &cw20::Cw20QueryMsg::TokenInfo {})?;
    Ok(info.total_supply)
}

/// Takes the next id of a counter.
pub fn next_id(storage: &mut dyn Storage, counter: &Item<u64>) -> ContractResult<u64> {
    let id = counter.may_load(storage)?.unwrap_or_default();
    let next = id.checked_add(1).ok_or_else(|| {
        ContractError::Overflow(cosmwasm_std::OverflowError::new(
            cosmwasm_std::OverflowOperation::Add,
        ))
    })?;
    counter.save(storage, &next)?;
    Ok(id)
}
