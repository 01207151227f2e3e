//! Shortfall cover: the clearinghouse alone draws on the pool, junior tranche first.

use cosmwasm_std::{to_json_binary, DepsMut, Env, MessageInfo, Response, Uint128};

use ballast_types::insurance::{CoverRecord, CoverResponse, Tranche};

use crate::error::{ContractError, ContractResult};
use crate::execute::funds::pay;
use crate::state::{load_tranche, next_id, save_tranche, CONFIG, COVERS, NEXT_COVER_ID, TOTALS};

pub fn cover_shortfall(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    // Unset clearinghouse: nobody may draw.
    let clearinghouse = match &config.clearinghouse_addr {
        Some(c) if c == info.sender => c.clone(),
        _ => return Err(ContractError::Unauthorized {}),
    };
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let mut junior = load_tranche(deps.storage, Tranche::Junior)?;
    let mut senior = load_tranche(deps.storage, Tranche::Senior)?;
    // Junior pays first, up to all it has; the senior tranche pays the rest it can.
    let junior_paid = amount.min(junior.assets);
    let rest = amount.checked_sub(junior_paid)?;
    let senior_paid = rest.min(senior.assets);
    let uncovered = rest.checked_sub(senior_paid)?;
    let covered = junior_paid.checked_add(senior_paid)?;
    // Assets shrink, supplies do not: both share prices fall (locked shares included).
    junior.assets = junior.assets.checked_sub(junior_paid)?;
    senior.assets = senior.assets.checked_sub(senior_paid)?;
    save_tranche(deps.storage, Tranche::Junior, &junior)?;
    save_tranche(deps.storage, Tranche::Senior, &senior)?;

    let id = next_id(deps.storage, &NEXT_COVER_ID)?;
    let record = CoverRecord {
        id,
        time: env.block.time.seconds(),
        requested: amount,
        junior_paid,
        senior_paid,
        uncovered,
    };
    COVERS.save(deps.storage, id, &record)?;
    let mut totals = TOTALS.load(deps.storage)?;
    totals.covered_total = totals.covered_total.checked_add(covered)?;
    totals.uncovered_total = totals.uncovered_total.checked_add(uncovered)?;
    TOTALS.save(deps.storage, &totals)?;

    let answer = CoverResponse {
        covered,
        uncovered,
        junior_paid,
        senior_paid,
    };
    Ok(Response::new()
        .add_messages(pay(&clearinghouse, covered, &config.settlement_denom))
        .set_data(to_json_binary(&answer)?)
        .add_attribute("action", "cover_shortfall")
        .add_attribute("id", id.to_string())
        .add_attribute("requested", amount)
        .add_attribute("covered", covered)
        .add_attribute("uncovered", uncovered)
        .add_attribute("junior_paid", junior_paid)
        .add_attribute("senior_paid", senior_paid)
        .add_attribute("junior_assets_after", junior.assets)
        .add_attribute("senior_assets_after", senior.assets))
}
