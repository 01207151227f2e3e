//! Queries. List queries are paginated and capped (ballast_types::pagination).

use cosmwasm_std::{Deps, Env, Order, Uint128};
use cw_storage_plus::Bound;

use ballast_types::insurance::{
    BackstopResponse, ConfigResponse, CoverRecord, KnownDeficitResponse, TotalsResponse, Tranche,
    TrancheResponse, WithdrawalResponse,
};
use ballast_types::pagination::page_limit;

use crate::book::Book;
use crate::deficit::{self, known_deficits, net_value};
use crate::error::{ContractError, ContractResult};
use crate::math::{assets_for_shares, share_price};
use crate::state::{
    load_tranche, token_supply, WithdrawalRequest, BACKSTOP, CONFIG, COVERS, OWNER_WITHDRAWALS,
    TOTALS, WITHDRAWALS,
};

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        settlement_denom: c.settlement_denom,
        clearinghouse: c.clearinghouse_addr.map(|a| a.to_string()),
        liquidator: c.liquidator.map(|a| a.to_string()),
        share_code_id: c.share_code_id,
        cooldown_secs: c.cooldown_secs,
        withdraw_window_secs: c.withdraw_window_secs,
        junior_tilt: c.junior_tilt,
    })
}

pub fn tranche(deps: Deps, env: &Env, tranche: Tranche) -> ContractResult<TrancheResponse> {
    tranche_of(deps, &Book::load(deps, &env.contract.address)?, tranche)
}

fn tranche_of(deps: Deps, book: &Book, tranche: Tranche) -> ContractResult<TrancheResponse> {
    let state = book.tranche(tranche);
    let supply = token_supply(deps, &state.token_addr)?;
    let value = book.value(tranche)?;
    Ok(TrancheResponse {
        tranche,
        token: state.token_addr.to_string(),
        assets: value,
        liquid: state.assets,
        supply,
        locked: state.locked,
        share_price: share_price(value, supply)?,
    })
}

pub fn tranches(deps: Deps, env: &Env) -> ContractResult<Vec<TrancheResponse>> {
    let book = Book::load(deps, &env.contract.address)?;
    Tranche::ALL
        .iter()
        .map(|t| tranche_of(deps, &book, *t))
        .collect()
}

/// Both tranches' liquid assets: the most a `CoverShortfall` can pay now.
pub fn assets(deps: Deps) -> ContractResult<Uint128> {
    Tranche::ALL.iter().try_fold(Uint128::zero(), |sum, t| {
        let s = load_tranche(deps.storage, *t)?;
        Ok(sum.checked_add(s.assets)?)
    })
}

pub fn backstop(deps: Deps, env: &Env) -> ContractResult<BackstopResponse> {
    let b = BACKSTOP.may_load(deps.storage)?;
    let book = Book::load(deps, &env.contract.address)?;
    Ok(BackstopResponse {
        auction: b
            .as_ref()
            .and_then(|b| b.auction.as_ref())
            .map(|a| a.to_string()),
        sub_id: b.map(|b| b.sub_id),
        equity: book.equity.unwrap_or_default(),
        junior_debt: book.debt,
    })
}

pub fn known_deficit(deps: Deps, env: &Env) -> ContractResult<KnownDeficitResponse> {
    let book = Book::load(deps, &env.contract.address)?;
    deficit::response(&book, &known_deficits(deps)?)
}

/// (value net of the known deficits, supply) of both tranches, junior first: what a
/// request's value is priced at.
type Nav = [(Uint128, Uint128); 2];

fn nav(deps: Deps, env: &Env) -> ContractResult<Nav> {
    let book = Book::load(deps, &env.contract.address)?;
    let deficits = known_deficits(deps)?;
    let one = |t| -> ContractResult<(Uint128, Uint128)> {
        Ok((
            net_value(&book, &deficits, t)?.1,
            token_supply(deps, &book.tranche(t).token_addr)?,
        ))
    };
    Ok([one(Tranche::Junior)?, one(Tranche::Senior)?])
}

fn withdrawal_response(
    id: u64,
    r: WithdrawalRequest,
    nav: &Nav,
) -> ContractResult<WithdrawalResponse> {
    let (assets, supply) = nav[match r.tranche {
        Tranche::Junior => 0,
        Tranche::Senior => 1,
    }];
    Ok(WithdrawalResponse {
        id,
        owner: r.owner.to_string(),
        tranche: r.tranche,
        value: assets_for_shares(r.shares, assets, supply)?,
        shares: r.shares,
        requested_at: r.requested_at,
        unlock_at: r.unlock_at,
        expires_at: r.expires_at,
    })
}

pub fn withdrawal(deps: Deps, env: &Env, id: u64) -> ContractResult<WithdrawalResponse> {
    let r = WITHDRAWALS
        .may_load(deps.storage, id)?
        .ok_or(ContractError::UnknownWithdrawal { id })?;
    withdrawal_response(id, r, &nav(deps, env)?)
}

pub fn pending_withdrawals(
    deps: Deps,
    env: &Env,
    owner: Option<String>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<Vec<WithdrawalResponse>> {
    let limit = page_limit(limit);
    let start = start_after.map(Bound::exclusive);
    let ids: Vec<u64> = match owner {
        Some(o) => {
            let owner = deps.api.addr_validate(&o)?;
            OWNER_WITHDRAWALS
                .prefix(&owner)
                .keys(deps.storage, start, None, Order::Ascending)
                .take(limit)
                .collect::<Result<_, _>>()?
        }
        None => WITHDRAWALS
            .keys(deps.storage, start, None, Order::Ascending)
            .take(limit)
            .collect::<Result<_, _>>()?,
    };
    let nav = nav(deps, env)?;
    ids.into_iter()
        .map(|id| withdrawal_response(id, WITHDRAWALS.load(deps.storage, id)?, &nav))
        .collect()
}

pub fn covers(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<Vec<CoverRecord>> {
    let start = start_after.map(Bound::exclusive);
    Ok(COVERS
        .range(deps.storage, start, None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| item.map(|(_, record)| record))
        .collect::<Result<_, _>>()?)
}

pub fn totals(deps: Deps) -> ContractResult<TotalsResponse> {
    Ok(TOTALS.load(deps.storage)?)
}
