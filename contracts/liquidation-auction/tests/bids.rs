//! The curve, partial takes, redo after the floor, bad bids.

use ballast_testing::Suite;
use ballast_types::auction::{LotEvent, LotEventKind, QueryMsg};
use cosmwasm_std::{Decimal, SignedDecimal};

use crate::{any_price, contract_err};
use ballast_liquidation_auction::error::ContractError;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

/// Alice liquidated after the crash; lot 1 open; returns the BTC price.
fn lot_open() -> (Suite, u64) {
    let mut s = Suite::levered();
    let btc = s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    (s, btc)
}

fn history(s: &Suite, lot: u64) -> Vec<LotEvent> {
    s.app
        .wrap()
        .query_wasm_smart(
            &s.waterfall().auction,
            &QueryMsg::History {
                lot,
                start_after: None,
                limit: None,
            },
        )
        .unwrap()
}

#[test]
fn price_starts_above_the_mark_and_falls_to_the_floor() {
    let (mut s, btc) = lot_open();
    let start = s.lot_status(1);
    assert_eq!(start.factor, Decimal::percent(105));
    let value = start.start_value;
    let gross = start.start_gross;
    assert!(
        value > SignedDecimal::zero() && value == gross,
        "a long lot: value = gross"
    );
    // price = value − (1 − f)·gross: 5 % over the mark at the start.
    assert_eq!(start.price.unwrap(), value * SignedDecimal::percent(105));
    s.refeed_btc(btc, 1800);
    let half = s.lot_status(1);
    assert_eq!(half.factor, "0.925".parse::<Decimal>().unwrap());
    assert!(half.price.unwrap() < value);
    s.refeed_btc(btc, 1800);
    let end = s.lot_status(1);
    assert!(end.needs_redo && end.factor == Decimal::percent(80));
}

#[test]
fn black_thursday_no_bids_until_the_floor_then_a_redo() {
    let (mut s, btc) = lot_open();
    s.refeed_btc(btc, 1000);
    // Too early for a redo.
    assert!(matches!(
        contract_err(s.redo(1)),
        ContractError::StillRunning { lot: 1 }
    ));
    // Nobody bids for the hour; at the floor only a redo moves the lot on.
    s.refeed_btc(btc, 2600);
    assert!(matches!(
        contract_err(s.bid(CAROL, 0, 1, "1", any_price())),
        ContractError::NeedsRedo { lot: 1 }
    ));
    // The market moved meanwhile: the redo restarts from the fresh mark, tip paid.
    let lower = btc * 97 / 100;
    s.refeed_btc(lower, 10);
    let first_value = s.lot_status(1).start_value;
    let keeper = s.waterfall().keeper.clone();
    let tips_before = s.balance(&keeper, ballast_testing::SETTLEMENT);
    s.redo(1).unwrap();
    assert_eq!(
        s.balance(&keeper, ballast_testing::SETTLEMENT) - tips_before,
        1_000_000
    );
    let st = s.lot_status(1);
    assert_eq!(
        (st.redos, st.factor, st.needs_redo),
        (1, Decimal::percent(105), false)
    );
    assert!(st.start_value < first_value, "re-marked at the lower price");
    // Partial takes: Carol a half, then Bob (a fresh, well-funded account) the rest.
    s.refeed_btc(lower, 1500);
    s.bid(CAROL, 0, 1, "0.5", any_price()).unwrap();
    assert_eq!(s.lot_status(1).remaining, Decimal::percent(50));
    s.bid(BOB, 0, 1, "1", any_price()).unwrap();
    let st = s.lot_status(1);
    assert!(!st.active && st.remaining.is_zero() && st.price.is_none());
    let kinds: Vec<&str> = history(&s, 1)
        .iter()
        .map(|e| match e.kind {
            LotEventKind::Start => "start",
            LotEventKind::Redo { .. } => "redo",
            LotEventKind::Bid { .. } => "bid",
            LotEventKind::Deleveraged { .. } => "deleveraged",
        })
        .collect();
    assert_eq!(kinds, ["start", "redo", "bid", "bid"]);
    assert!(!s.lot(1).open);
    s.assert_conservation();
}

#[test]
fn bad_31_bid_on_a_finished_or_unknown_lot() {
    let (mut s, btc) = lot_open();
    let before = s.all_accounts();
    assert!(matches!(
        contract_err(s.bid(CAROL, 0, 99, "1", any_price())),
        ContractError::NoActiveLot { lot: 99 }
    ));
    assert_eq!(s.all_accounts(), before);
    s.refeed_btc(btc, 720);
    s.bid(CAROL, 0, 1, "1", any_price()).unwrap();
    let before = s.all_accounts();
    assert!(matches!(
        contract_err(s.bid(BOB, 0, 1, "1", any_price())),
        ContractError::NoActiveLot { lot: 1 }
    ));
    assert_eq!(s.all_accounts(), before);
    s.assert_conservation();
}

#[test]
fn bad_32_bid_above_max_price_or_fraction_outside_0_1() {
    let (mut s, _) = lot_open();
    let before = (s.all_accounts(), s.lot_status(1), s.lot(1));
    let price = s.lot_status(1).price.unwrap();
    assert!(matches!(
        contract_err(s.bid(CAROL, 0, 1, "1", price - SignedDecimal::one())),
        ContractError::AboveMaxPrice { .. }
    ));
    for fraction in ["0", "1.5"] {
        assert!(matches!(
            contract_err(s.bid(CAROL, 0, 1, fraction, any_price())),
            ContractError::BadFraction { .. }
        ));
    }
    assert_eq!((s.all_accounts(), s.lot_status(1), s.lot(1)), before);
    // At exactly the price it goes through.
    s.bid(CAROL, 0, 1, "1", price).unwrap();
    s.assert_conservation();
}
