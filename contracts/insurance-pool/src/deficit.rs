//! Known deficits: what the open liquidation lots are already short at the mark, which the
//! pool will be asked to cover when they close. Withdrawals are valued net of them, so a
//! holder whose request is unlocked cannot leave ahead of a loss everyone can see coming and
//! leave it to the others (README, "Insurance pool").
//!
//! The liquidator counts them (its `KnownDeficits` query: one page of its active lots, each
//! valued by the clearinghouse); the pool only splits the sum over its tranches. Never a
//! lock: when the liquidator cannot be asked no deficit is known (withdrawals go on at the
//! ledger's value, and the answer says it is incomplete).

use cosmwasm_std::{Deps, Uint128};

use ballast_types::insurance::{KnownDeficitResponse, Tranche};
use ballast_types::liquidator::wire::LiquidatorQuery;
use ballast_types::liquidator::KnownDeficits;

use crate::book::Book;
use crate::error::ContractResult;
use crate::math::deficit_parts;
use crate::state::CONFIG;

/// The sum of the open lots' deficits the pool can see now. Without a liquidator there is
/// nothing to see (complete); a liquidator that cannot be asked shows nothing (incomplete).
pub fn known_deficits(deps: Deps) -> ContractResult<KnownDeficits> {
    let Some(liquidator) = CONFIG.load(deps.storage)?.liquidator else {
        return Ok(KnownDeficits {
            complete: true,
            ..KnownDeficits::default()
        });
    };
    Ok(deps
        .querier
        .query_wasm_smart(&liquidator, &LiquidatorQuery::KnownDeficits {})
        .unwrap_or_default())
}

/// `tranche`'s part of the known deficits (junior first, each up to its value) and its
/// value net of it: what withdrawals are priced at.
pub fn net_value(
    book: &Book,
    deficits: &KnownDeficits,
    tranche: Tranche,
) -> ContractResult<(Uint128, Uint128)> {
    let (junior, senior) = parts(book, deficits)?;
    let part = match tranche {
        Tranche::Junior => junior,
        Tranche::Senior => senior,
    };
    // part ≤ value (deficit_parts caps each part at its tranche's value).
    Ok((part, book.value(tranche)?.checked_sub(part)?))
}

fn parts(book: &Book, deficits: &KnownDeficits) -> ContractResult<(Uint128, Uint128)> {
    Ok(deficit_parts(
        deficits.total,
        book.value(Tranche::Junior)?,
        book.value(Tranche::Senior)?,
    ))
}

/// The `KnownDeficit` query's answer.
pub fn response(book: &Book, deficits: &KnownDeficits) -> ContractResult<KnownDeficitResponse> {
    let (junior, senior) = parts(book, deficits)?;
    Ok(KnownDeficitResponse {
        total: deficits.total,
        junior,
        senior,
        lots: deficits.lots,
        unpriced: deficits.unpriced,
        complete: deficits.complete,
    })
}
