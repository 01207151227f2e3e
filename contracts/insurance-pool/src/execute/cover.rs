//! Shortfall cover: the liquidator alone draws on the pool, junior tranche first; the pool
//! decides no amount, it pays what is asked as far as its coin goes.

use cosmwasm_std::{to_json_binary, DepsMut, Env, MessageInfo, Response, Uint128};

use ballast_types::insurance::{CoverRecord, CoverResponse, Tranche};

use crate::book::Book;
use crate::error::{ContractError, ContractResult};
use crate::execute::funds::pay;
use crate::state::{next_id, CONFIG, COVERS, NEXT_COVER_ID, TOTALS};

pub fn cover_shortfall(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    // Unset liquidator: nobody may draw.
    let liquidator = match &config.liquidator {
        Some(l) if *l == info.sender => l.clone(),
        _ => return Err(ContractError::Unauthorized {}),
    };
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let mut book = Book::load_for_cover(deps.as_ref(), &env.contract.address)?;
    // Junior pays first, up to all it has in coin; the senior tranche pays the rest it can.
    let junior_paid = amount.min(book.junior.assets);
    let rest = amount.checked_sub(junior_paid)?;
    let senior_paid = rest.min(book.senior.assets);
    let uncovered = rest.checked_sub(senior_paid)?;
    let covered = junior_paid.checked_add(senior_paid)?;
    // What the senior tranche paid while the junior tranche still owned backstop equity
    // beyond its debt was the junior tranche's loss to take: lent, owed back (book.rs).
    // Unknown equity (stale prices in the backstop account): nothing lent.
    let junior_owns = book.equity.unwrap_or_default().saturating_sub(book.debt);
    let lent = senior_paid.min(junior_owns);
    // Assets shrink, supplies do not: both share prices fall (locked shares included).
    book.junior.assets = book.junior.assets.checked_sub(junior_paid)?;
    book.senior.assets = book.senior.assets.checked_sub(senior_paid)?;
    book.debt = book.debt.checked_add(lent)?;
    let book = book.save(deps.storage)?;

    let id = next_id(deps.storage, &NEXT_COVER_ID)?;
    let record = CoverRecord {
        id,
        time: env.block.time.seconds(),
        requested: amount,
        junior_paid,
        senior_paid,
        uncovered,
        lent,
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
        .add_messages(pay(&liquidator, covered, &config.settlement_denom))
        .set_data(to_json_binary(&answer)?)
        .add_attribute("action", "cover_shortfall")
        .add_attribute("id", id.to_string())
        .add_attribute("requested", amount)
        .add_attribute("covered", covered)
        .add_attribute("uncovered", uncovered)
        .add_attribute("junior_paid", junior_paid)
        .add_attribute("senior_paid", senior_paid)
        .add_attribute("lent_to_junior", lent)
        .add_attribute("junior_assets_after", book.value(Tranche::Junior)?)
        .add_attribute("senior_assets_after", book.value(Tranche::Senior)?))
}
