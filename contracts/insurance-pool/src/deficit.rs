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
use serde::{Deserialize, Serialize};

use ballast_types::clearinghouse::{AccountRef, LotRef};
use ballast_types::insurance::{KnownDeficitResponse, Tranche};
use ballast_types::pagination::MAX_LIMIT;

use crate::book::{account_equity, Book};
use crate::error::ContractResult;
use crate::execute::backstop::ClearinghouseQuery;
use crate::math::deficit_parts;
use crate::state::CONFIG;

/// Open lots counted at most: one page of the auction's `Lots` query.
pub const MAX_DEFICIT_LOTS: u32 = MAX_LIMIT;

/// The auction's `Lots` query, with the JSON of `ballast_types::auction::QueryMsg::Lots` (a
/// test compares them; a local enum for the reason given at `ClearinghouseQuery`).
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuctionQuery {
    Lots {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

/// The part of the clearinghouse's `ConfigResponse` the pool reads (unknown fields ignored).
#[derive(Deserialize)]
struct ConfigView {
    liquidation: Option<LiquidationView>,
}

#[derive(Deserialize)]
struct LiquidationView {
    auction: String,
}

/// The part of the auction's `LotStatus` the pool reads.
#[derive(Deserialize)]
struct LotStatusView {
    lot: u64,
    /// What the account owed when the lot started.
    debt: Uint128,
}

/// The part of the clearinghouse's `LotResponse` the pool reads.
#[derive(Deserialize)]
struct LotAccountView {
    account: AccountRef,
}

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
    let l: LotAccountView = deps
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

#[cfg(test)]
mod tests {
    use super::*;
    use ballast_types::auction::{LotStatus, QueryMsg as AuctionShared};
    use ballast_types::liquidation::LiquidationConfig;
    use cosmwasm_std::{from_json, to_json_binary, Decimal, SignedDecimal};

    #[test]
    fn local_views_match_the_shared_types() {
        let local = AuctionQuery::Lots {
            start_after: None,
            limit: Some(MAX_DEFICIT_LOTS),
        };
        let shared = AuctionShared::Lots {
            start_after: None,
            limit: Some(MAX_DEFICIT_LOTS),
        };
        assert_eq!(
            to_json_binary(&local).unwrap(),
            to_json_binary(&shared).unwrap()
        );
        let status = LotStatus {
            lot: 4,
            started: 1,
            start_value: SignedDecimal::one(),
            start_gross: SignedDecimal::one(),
            debt: Uint128::new(77),
            remaining: Decimal::one(),
            factor: Decimal::one(),
            price: None,
            needs_redo: false,
            redos: 0,
            active: true,
        };
        let view: Vec<LotStatusView> = from_json(to_json_binary(&vec![status]).unwrap()).unwrap();
        assert_eq!((view[0].lot, view[0].debt), (4, Uint128::new(77)));
        // The clearinghouse's settings: only `liquidation.auction` is read.
        let liquidation = LiquidationConfig {
            auction: "auction".into(),
            insurance: "pool".into(),
            penalty: Decimal::percent(2),
            keeper_tip: Uint128::new(1),
            redo_tip: Uint128::new(1),
            sizing_discount: Decimal::percent(10),
            insurance_share: Decimal::percent(50),
        };
        let json = format!(
            r#"{{"oracle":"o","liquidation":{}}}"#,
            String::from_utf8(to_json_binary(&liquidation).unwrap().to_vec()).unwrap()
        );
        let view: ConfigView = from_json(json.as_bytes()).unwrap();
        assert_eq!(view.liquidation.unwrap().auction, "auction");
        let none: ConfigView = from_json(br#"{"liquidation":null}"#).unwrap();
        assert!(none.liquidation.is_none());
        let lot = ballast_types::clearinghouse::LotResponse {
            id: 4,
            account: AccountRef {
                owner: "trader".into(),
                sub_id: 2,
            },
            positions: vec![],
            collateral: vec![],
            debt: Uint128::new(77),
            open: true,
            value: None,
        };
        let view: LotAccountView = from_json(to_json_binary(&lot).unwrap()).unwrap();
        assert_eq!(
            (view.account.owner.as_str(), view.account.sub_id),
            ("trader", 2)
        );
    }
}
