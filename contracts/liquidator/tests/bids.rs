//! The curve, partial takes, redo after the floor, bad bids.

use ballast_testing::Suite;
use ballast_types::liquidator::{LotEvent, LotEventKind, QueryMsg};
use cosmwasm_std::{Decimal, SignedDecimal};

use crate::{any_price, contract_err};
use ballast_liquidator::error::ContractError;

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
            &s.waterfall().liquidator,
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
    let lot_size = s.lot(1).positions[0].size;
    s.bid(CAROL, 0, 1, "0.5", any_price()).unwrap();
    assert_eq!(s.lot_status(1).remaining, Decimal::percent(50));
    // Positions move in whole lots (0.001 BTC): half rounded down, the rest left in the lot.
    let half = s.positions(CAROL, 0)[0].size;
    let step = SignedDecimal::permille(1);
    assert_eq!((half / step).floor() * step, half);
    assert!(
        half <= lot_size / SignedDecimal::percent(200)
            && half > lot_size / SignedDecimal::percent(200) - step
    );
    assert_eq!(s.lot(1).positions[0].size, lot_size - half);
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
    // The clearinghouse prices the take at fresh marks and refuses it above max_price.
    let err = s
        .bid(CAROL, 0, 1, "1", price - SignedDecimal::one())
        .expect_err("above max_price")
        .downcast::<ballast_clearinghouse::error::ContractError>()
        .expect("a clearinghouse error");
    assert!(matches!(
        err,
        ballast_clearinghouse::error::ContractError::AboveMaxPrice { .. }
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

/// A backstop that is not the pool: an address that cannot answer, then a contract that
/// answers without bidding. Either way the redo restarts the lot and tips the keeper; the
/// configured backstop alone may bid once the run is over, and only the owner configures it.
#[test]
fn a_backstop_that_does_not_take_the_lot_leaves_it_to_the_redo() {
    use ballast_types::liquidator::{ConfigResponse, ExecuteMsg};
    use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
    use cw_multi_test::{ContractWrapper, Executor};

    let (mut s, btc) = lot_open();
    let (owner, auction) = (s.owner.clone(), s.waterfall().liquidator.clone());
    let set = |backstop: &cosmwasm_std::Addr| ExecuteMsg::SetBackstop {
        backstop: Some(backstop.to_string()),
    };
    let stranger = s.traders[CAROL].clone();
    assert_eq!(
        contract_err(s.app.execute_contract(
            stranger.clone(),
            auction.clone(),
            &set(&stranger),
            &[]
        )),
        ContractError::Unauthorized {}
    );
    // An address without a contract: the request fails, the redo happens.
    let nobody = s.app.api().addr_make("nobody");
    s.app
        .execute_contract(owner.clone(), auction.clone(), &set(&nobody), &[])
        .unwrap();
    let config: ConfigResponse = s
        .app
        .wrap()
        .query_wasm_smart(&auction, &QueryMsg::Config {})
        .unwrap();
    assert_eq!(config.backstop, Some(nobody.to_string()));
    s.refeed_btc(btc, 3_600);
    // Carol is not the backstop: past the tail she cannot bid.
    assert!(matches!(
        contract_err(s.bid(CAROL, 0, 1, "1", any_price())),
        ContractError::NeedsRedo { lot: 1 }
    ));
    let keeper = s.waterfall().keeper.clone();
    let tips = s.balance(&keeper, ballast_testing::SETTLEMENT);
    s.redo(1).unwrap();
    assert_eq!(s.lot_status(1).redos, 1);
    assert_eq!(
        s.balance(&keeper, ballast_testing::SETTLEMENT),
        tips + 1_000_000
    );

    // A contract that accepts the request and does nothing: the reply sees the lot still
    // active and restarts it all the same.
    /// Any JSON object (unknown fields are ignored).
    #[derive(serde::Deserialize, Debug)]
    struct AnyMsg {}
    fn accept(_: DepsMut, _: Env, _: MessageInfo, _: AnyMsg) -> StdResult<Response> {
        Ok(Response::new())
    }
    fn nothing(_: Deps, _: Env, _: AnyMsg) -> StdResult<Binary> {
        Ok(Binary::default())
    }
    let code = s
        .app
        .store_code(Box::new(ContractWrapper::new(accept, accept, nothing)));
    let idle = s
        .app
        .instantiate_contract(
            code,
            owner.clone(),
            &cosmwasm_std::Empty {},
            &[],
            "idle",
            None,
        )
        .unwrap();
    s.app
        .execute_contract(owner.clone(), auction.clone(), &set(&idle), &[])
        .unwrap();
    s.refeed_btc(btc, 3_600);
    let r = s.redo(1).unwrap();
    let declined = ballast_testing::attribute(&r, "backstop_declined");
    assert_eq!(declined.as_deref(), Some("answered without taking the lot"));
    assert_eq!(s.lot_status(1).redos, 2);
    // Switched off: a plain redo again.
    let off = ExecuteMsg::SetBackstop { backstop: None };
    s.app.execute_contract(owner, auction, &off, &[]).unwrap();
    s.refeed_btc(btc, 3_600);
    s.redo(1).unwrap();
    assert_eq!(s.lot_status(1).redos, 3);
    s.assert_conservation();
}

/// Issue 10 item 13: no auction message takes a payment (bids pay through the
/// clearinghouse's ledger); coins attached to one are refused, not kept off the books.
#[test]
fn adv_13_liquidator_refuses_attached_funds() {
    use ballast_types::liquidator::ExecuteMsg;
    use cw_multi_test::Executor;
    let (mut s, _) = lot_open();
    let carol = s.traders[CAROL].clone();
    let auction = s.waterfall().liquidator.clone();
    let before = (s.all_accounts(), s.lot_status(1));
    for msg in [
        ExecuteMsg::Bid {
            lot: 1,
            sub_id: 0,
            fraction: Decimal::one(),
            max_price: any_price(),
        },
        ExecuteMsg::Redo { lot: 1 },
        ExecuteMsg::Liquidate(ballast_types::liquidation::AccountRef {
            owner: s.traders[BOB].to_string(),
            sub_id: 0,
        }),
    ] {
        let paid = [cosmwasm_std::coin(1_000, ballast_testing::SETTLEMENT)];
        let r = s
            .app
            .execute_contract(carol.clone(), auction.clone(), &msg, &paid);
        assert!(
            matches!(contract_err(r), ContractError::Payment(_)),
            "{msg:?}"
        );
    }
    assert_eq!((s.all_accounts(), s.lot_status(1)), before);
}
