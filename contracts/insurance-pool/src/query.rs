//! Queries. List queries are paginated and capped (ballast_types::pagination).

use cosmwasm_std::{Deps, Order, Uint128};
use cw_storage_plus::Bound;

use ballast_types::insurance::{
    ConfigResponse, CoverRecord, TotalsResponse, Tranche, TrancheResponse, WithdrawalResponse,
};
use ballast_types::pagination::page_limit;

use crate::error::{ContractError, ContractResult};
use crate::math::{assets_for_shares, share_price};
use crate::state::{
    load_tranche, token_supply, WithdrawalRequest, CONFIG, COVERS, OWNER_WITHDRAWALS, TOTALS,
    WITHDRAWALS,
};

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        settlement_denom: c.settlement_denom,
        clearinghouse: c.clearinghouse_addr.map(|a| a.to_string()),
        share_code_id: c.share_code_id,
        cooldown_secs: c.cooldown_secs,
        withdraw_window_secs: c.withdraw_window_secs,
        junior_tilt: c.junior_tilt,
    })
}

pub fn tranche(deps: Deps, tranche: Tranche) -> ContractResult<TrancheResponse> {
    let state = load_tranche(deps.storage, tranche)?;
    let supply = token_supply(deps, &state.token_addr)?;
    Ok(TrancheResponse {
        tranche,
        token: state.token_addr.to_string(),
        assets: state.assets,
        supply,
        locked: state.locked,
        share_price: share_price(state.assets, supply)?,
    })
}

pub fn tranches(deps: Deps) -> ContractResult<Vec<TrancheResponse>> {
    Tranche::ALL.iter().map(|t| tranche(deps, *t)).collect()
}

/// Both tranches' assets: the most a `CoverShortfall` can pay now.
pub fn assets(deps: Deps) -> ContractResult<Uint128> {
    Tranche::ALL.iter().try_fold(Uint128::zero(), |sum, t| {
        let s = load_tranche(deps.storage, *t)?;
        Ok(sum.checked_add(s.assets)?)
    })
}

/// (assets, supply) of both tranches, junior first: what a request's value is priced at.
type Nav = [(Uint128, Uint128); 2];

fn nav(deps: Deps) -> ContractResult<Nav> {
    let one = |t| -> ContractResult<(Uint128, Uint128)> {
        let s = load_tranche(deps.storage, t)?;
        Ok((s.assets, token_supply(deps, &s.token_addr)?))
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

pub fn withdrawal(deps: Deps, id: u64) -> ContractResult<WithdrawalResponse> {
    let r = WITHDRAWALS
        .may_load(deps.storage, id)?
        .ok_or(ContractError::UnknownWithdrawal { id })?;
    withdrawal_response(id, r, &nav(deps)?)
}

pub fn pending_withdrawals(
    deps: Deps,
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
    let nav = nav(deps)?;
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
