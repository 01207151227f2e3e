//! Queries; every list is paginated with a capped limit.

use cosmwasm_std::{Deps, Env, Order};
use cw_storage_plus::Bound;

use ballast_types::liquidator::{ConfigResponse, LotEvent, LotStatus};
use ballast_types::pagination::page_limit;

use crate::curve::{factor, price};
use crate::error::{ContractError, ContractResult};
use crate::execute::value_now;
use crate::state::{Auction, ACTIVE, CONFIG, HISTORY, LOTS};

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        clearinghouse: c.clearinghouse.to_string(),
        curve: c.curve,
        backstop: c.backstop.map(|b| b.to_string()),
    })
}

fn status(deps: Deps, env: &Env, lot: u64, a: Auction) -> ContractResult<LotStatus> {
    let (f, over) = factor(&a.curve, env.block.time.seconds().saturating_sub(a.started))?;
    // No price when the lot is finished or the clearinghouse cannot value it now.
    let price = match a.active {
        true => value_now(deps, lot)
            .ok()
            .and_then(|v| price(v.value, v.gross, f).ok()),
        false => None,
    };
    Ok(LotStatus {
        lot,
        account: a.account,
        started: a.started,
        start_value: a.start_value,
        start_gross: a.start_gross,
        debt: a.debt,
        remaining: a.remaining,
        factor: f,
        price,
        needs_redo: a.active && over,
        redos: a.redos,
        active: a.active,
    })
}

pub fn lot(deps: Deps, env: &Env, lot: u64) -> ContractResult<LotStatus> {
    let a = LOTS
        .may_load(deps.storage, lot)?
        .ok_or(ContractError::NoActiveLot { lot })?;
    status(deps, env, lot, a)
}

pub fn lots(
    deps: Deps,
    env: &Env,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<Vec<LotStatus>> {
    let ids: Vec<u64> = ACTIVE
        .keys(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .collect::<Result<_, _>>()?;
    ids.into_iter()
        .map(|id| status(deps, env, id, LOTS.load(deps.storage, id)?))
        .collect()
}

pub fn history(
    deps: Deps,
    lot: u64,
    start_after: Option<u32>,
    limit: Option<u32>,
) -> ContractResult<Vec<LotEvent>> {
    Ok(HISTORY
        .prefix(lot)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_limit(limit))
        .map(|r| r.map(|(_, e)| e))
        .collect::<Result<_, _>>()?)
}
