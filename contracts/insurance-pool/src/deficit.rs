//! Known deficits: what the open liquidation lots are already short at the mark, which the
//! pool will be asked to cover when they close. Withdrawals are valued net of them, so a
//! holder whose request is unlocked cannot leave ahead of a loss everyone can see coming and
//! leave it to the others (README, "Insurance pool").
//!
//! Bounded: one page of the auction's active lots (`MAX_DEFICIT_LOTS`, the oldest first),
//! and per lot one clearinghouse `Lot` query (for its account) and one `Margin` query (the
//! account's equity at fresh prices). Never a lock: when the clearinghouse or the auction
//! cannot be asked no deficit is known (withdrawals go on at the ledger's value), and a lot
//! that cannot be valued counts at its debt, as if it fetched nothing.

use cosmwasm_std::{Addr, Deps, Empty, Int128, Uint128};

use ballast_types::auction::wire::{AuctionQuery, LotStatusView};
use ballast_types::clearinghouse::wire::{ClearinghouseQuery, ConfigView, LotView};
use ballast_types::clearinghouse::LotRef;
use ballast_types::insurance::{KnownDeficitResponse, Tranche};
use ballast_types::pagination::MAX_LIMIT;

use crate::book::{account_equity, Book};
use crate::error::ContractResult;
use crate::math::deficit_parts;
use crate::state::CONFIG;

/// Open lots counted at most: one page of the auction's `Lots` query.
pub const MAX_DEFICIT_LOTS: u32 = MAX_LIMIT;

/// The sum of the open lots' deficits the pool can see now.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Deficits {
    pub total: Uint128,
    /// Lots counted.
    pub lots: u32,
    /// Of those, lots counted at their debt because their account could not be valued.
    pub unpriced: u32,
    /// False when the clearinghouse or the auction could not be asked (nothing counted) or
    /// the auction listed a full page (newer lots may be open and were not counted).
    pub complete: bool,
}

/// The auction lots are handed to, from the clearinghouse's settings; `None` when the pool
/// has no clearinghouse or it liquidates nothing; an error when it cannot be asked.
fn auction(deps: Deps, clearinghouse: &Addr) -> Result<Option<Addr>, ()> {
    let config: ConfigView = deps
        .querier
        .query_wasm_smart(clearinghouse, &ClearinghouseQuery::Config(Empty {}))
        .map_err(|_| ())?;
    Ok(config.liquidation.map(|l| Addr::unchecked(l.auction)))
}

/// What lot `lot`'s account is short at the mark: max(0, −equity), equity rounded down, so
/// the deficit rounds UP (against the one withdrawing). The account holds the rest of the
/// lot, the proceeds of its partial takes and whatever the lot did not take, so its equity
/// is exactly what the pool would be asked for if the rest sold at the mark now.
fn lot_deficit(deps: Deps, clearinghouse: &Addr, lot: u64) -> Option<Uint128> {
    let l: LotView = deps
        .querier
        .query_wasm_smart(clearinghouse, &ClearinghouseQuery::Lot(LotRef { id: lot }))
        .ok()?;
    let equity = account_equity(deps, clearinghouse, l.account).ok()?;
    Some(match equity < Int128::zero() {
        true => equity.unsigned_abs(),
        false => Uint128::zero(),
    })
}

/// The known deficits of the open lots (see the module docs for bounds and failures).
pub fn known_deficits(deps: Deps) -> ContractResult<Deficits> {
    let unknown = Deficits::default();
    let Some(clearinghouse) = CONFIG.load(deps.storage)?.clearinghouse_addr else {
        return Ok(Deficits {
            complete: true,
            ..unknown
        });
    };
    let auction = match auction(deps, &clearinghouse) {
        Ok(Some(a)) => a,
        Ok(None) => {
            return Ok(Deficits {
                complete: true,
                ..unknown
            })
        }
        Err(()) => return Ok(unknown),
    };
    let query = AuctionQuery::Lots {
        start_after: None,
        limit: Some(MAX_DEFICIT_LOTS),
    };
    let Ok(lots) = deps
        .querier
        .query_wasm_smart::<Vec<LotStatusView>>(&auction, &query)
    else {
        return Ok(unknown);
    };
    let mut d = Deficits {
        complete: lots.len() < MAX_DEFICIT_LOTS as usize,
        ..unknown
    };
    // The auction caps its page; taking at most a page here keeps the bound ours.
    for status in lots.into_iter().take(MAX_DEFICIT_LOTS as usize) {
        let deficit = match lot_deficit(deps, &clearinghouse, status.lot) {
            Some(deficit) => deficit,
            None => {
                d.unpriced += 1;
                status.debt
            }
        };
        // Saturating: a sum beyond u128 is beyond both tranches anyway (each part is capped
        // at its tranche's value), so an absurd debt from elsewhere cannot block withdrawals.
        d.total = d.total.saturating_add(deficit);
        d.lots += 1;
    }
    Ok(d)
}

/// `tranche`'s part of the known deficits (junior first, each up to its value) and its
/// value net of it: what withdrawals are priced at.
pub fn net_value(
    book: &Book,
    deficits: &Deficits,
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

fn parts(book: &Book, deficits: &Deficits) -> ContractResult<(Uint128, Uint128)> {
    Ok(deficit_parts(
        deficits.total,
        book.value(Tranche::Junior)?,
        book.value(Tranche::Senior)?,
    ))
}

/// The `KnownDeficit` query's answer.
pub fn response(book: &Book, deficits: &Deficits) -> ContractResult<KnownDeficitResponse> {
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
