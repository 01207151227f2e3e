//! The liquidator's end of the waterfall on the whole deployment: the deficits it reports
//! to the pool, the cover it asks for (and what happens when the pool fails), and the
//! bounds the clearinghouse puts on what the liquidator may settle.

use ballast_testing::{has_action, Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountRef, ExecuteMsg as ChMsg};
use ballast_types::insurance::{
    ExecuteMsg as PoolMsg, KnownDeficitResponse, QueryMsg as PoolQuery, Tranche,
};
use ballast_types::liquidator::{KnownDeficits, QueryMsg};
use cosmwasm_std::{coins, Int128, Uint128};
use cw_multi_test::Executor;

use crate::any_price;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

fn known(s: &Suite) -> KnownDeficits {
    s.app
        .wrap()
        .query_wasm_smart(&s.waterfall().liquidator, &QueryMsg::KnownDeficits {})
        .unwrap()
}

/// The owner names `liquidator` as the only address the pool pays covers to.
fn point_pool_at(s: &mut Suite, liquidator: String) {
    let (owner, pool) = (s.owner.clone(), s.waterfall().insurance.clone());
    let msg = PoolMsg::UpdateConfig {
        clearinghouse: None,
        liquidator: Some(liquidator),
        cooldown_secs: None,
        withdraw_window_secs: None,
        junior_tilt: None,
    };
    s.app.execute_contract(owner, pool, &msg, &[]).unwrap();
}

/// Alice's account is below zero at the mark and liquidated (lot 1); the pool holds
/// `junior` in its junior tranche. Returns the suite and the BTC price.
fn underwater(junior: u128) -> (Suite, u64) {
    let mut s = Suite::levered();
    if junior > 0 {
        s.insure(BOB, Tranche::Junior, junior).unwrap();
    }
    let btc = s.crash_until(ALICE, 0, true);
    s.liquidate(ALICE, 0).unwrap();
    (s, btc)
}

/// Each active lot counts its account's deficit at the mark, rounded up; a lot whose
/// account cannot be valued (stale prices) counts at its debt; the pool sees the same sum.
#[test]
fn known_deficits_are_the_lots_accounts_below_zero_and_unpriced_lots_at_their_debt() {
    let (mut s, btc) = underwater(0);
    let equity = s.margin(ALICE, 0).unwrap().equity;
    assert!(equity.is_negative());
    let deficit = (-equity).to_int_ceil().unsigned_abs();
    let k = known(&s);
    assert_eq!(
        k,
        KnownDeficits {
            total: deficit,
            lots: 1,
            unpriced: 0,
            complete: true,
        }
    );
    let pool: KnownDeficitResponse = s
        .app
        .wrap()
        .query_wasm_smart(&s.waterfall().insurance, &PoolQuery::KnownDeficit {})
        .unwrap();
    assert_eq!((pool.total, pool.lots), (deficit, 1));
    // A day without prices: the account cannot be valued, the lot counts at its debt.
    s.advance(86_400);
    let debt = s.lot_status(1).debt;
    assert!(s.margin(ALICE, 0).is_err());
    assert_eq!(
        known(&s),
        KnownDeficits {
            total: debt,
            lots: 1,
            unpriced: 1,
            complete: true,
        }
    );
    // Restarted and sold: the lot is no longer active and counts nothing.
    s.refeed_btc(btc, 0);
    s.redo(1).unwrap();
    s.bid(CAROL, 0, 1, "1", any_price()).unwrap();
    assert_eq!(
        known(&s),
        KnownDeficits {
            complete: true,
            ..KnownDeficits::default()
        }
    );
}

/// The lot's last bid reveals the deficit; the liquidator asks the pool for what it holds,
/// forwards it, and the clearinghouse records the rest as bad debt.
#[test]
fn the_last_bid_sends_the_deficit_to_the_pool_and_the_rest_to_bad_debt() {
    let (mut s, btc) = underwater(100_000_000);
    s.refeed_btc(btc, 720);
    let r = s.bid(CAROL, 0, 1, "1", any_price()).unwrap();
    for step in [
        "bid_filled",
        "cover",
        "cover_shortfall",
        "covered",
        "settle_deficit",
    ] {
        assert!(has_action(&r, step), "{step} missing");
    }
    let losses = s.losses();
    assert_eq!(losses.covered_by_insurance.u128(), 100_000_000);
    let debt = s.account(ALICE, 0).unwrap().settlement;
    assert!(debt < Int128::zero());
    assert_eq!(losses.bad_debt.u128(), debt.unsigned_abs().u128());
    // Nothing stays with the liquidator: it forwards exactly what the pool paid.
    let liquidator = s.waterfall().liquidator.clone();
    assert_eq!(s.balance(&liquidator, SETTLEMENT), 0);
    s.assert_conservation();
}

/// A pool that fails to pay changes nothing and blocks nothing: the bid stands, the
/// deficit stays unrecorded, and a keeper's `Liquidate` sends it down the waterfall once the
/// pool works again.
#[test]
fn a_failing_pool_leaves_the_deficit_for_a_retry() {
    let (mut s, btc) = underwater(100_000_000);
    let stranger = s.traders[BOB].to_string();
    // The pool now refuses the liquidator's covers.
    point_pool_at(&mut s, stranger);
    s.refeed_btc(btc, 720);
    let r = s.bid(CAROL, 0, 1, "1", any_price()).unwrap();
    assert!(has_action(&r, "cover_failed"));
    assert!(!s.lot_status(1).active, "the bid stands");
    let losses = s.losses();
    assert_eq!(
        (losses.covered_by_insurance, losses.bad_debt),
        (Uint128::zero(), Uint128::zero())
    );
    assert_eq!(
        s.tranches()[0].assets.u128(),
        100_000_000,
        "the pool paid nothing"
    );
    // Working again: the keeper's retry covers it, with no tip.
    let liquidator = s.waterfall().liquidator.to_string();
    point_pool_at(&mut s, liquidator);
    let r = s.liquidate(ALICE, 0).unwrap();
    assert!(has_action(&r, "seize_deficit") && has_action(&r, "settle_deficit"));
    assert!(ballast_testing::attribute(&r, "keeper_tip").is_none());
    assert_eq!(s.losses().covered_by_insurance.u128(), 100_000_000);
    s.assert_conservation();
}

/// What the clearinghouse allows its liquidator: a cover never above the unrecorded
/// deficit, only in the settlement coin, and only for an account with nothing left.
#[test]
fn the_clearinghouse_bounds_what_the_liquidator_settles() {
    let (mut s, btc) = underwater(0);
    let liquidator = s.waterfall().liquidator.clone();
    let alice = AccountRef {
        owner: s.traders[ALICE].to_string(),
        sub_id: 0,
    };
    let bob = s.traders[BOB].clone();
    s.app
        .send_tokens(bob, liquidator.clone(), &coins(1_000_000, SETTLEMENT))
        .unwrap();
    let settle = ChMsg::SettleDeficit(alice.clone());
    // Alice still holds her lot: no deficit to settle yet.
    let err = s.ch_exec(&liquidator, &settle, &[]).unwrap_err();
    assert!(
        format!("{err:?}").contains("no deficit to settle"),
        "{err:?}"
    );
    // The lot sells; the pool is empty, so her whole deficit is recorded as bad debt.
    s.refeed_btc(btc, 720);
    s.bid(CAROL, 0, 1, "1", any_price()).unwrap();
    let recorded = s.losses().bad_debt;
    assert!(!recorded.is_zero());
    // Once recorded, nothing is left to settle, whatever is attached.
    let before = s.account(ALICE, 0).unwrap();
    for funds in [vec![], coins(1, SETTLEMENT)] {
        let err = s.ch_exec(&liquidator, &settle, &funds).unwrap_err();
        assert!(
            format!("{err:?}").contains("no deficit to settle"),
            "{err:?}"
        );
    }
    assert_eq!(s.account(ALICE, 0).unwrap(), before);
    // A fresh deficit (an emptied account with an unrecorded negative balance) cannot be
    // overpaid: a cover above it is refused, and so is another denom.
    let mut s2 = Suite::levered();
    let btc2 = s2.crash_until(ALICE, 0, true);
    s2.liquidate(ALICE, 0).unwrap();
    s2.refeed_btc(btc2, 720);
    // The pool refuses covers, so the deficit stays unrecorded.
    let stranger = s2.traders[BOB].to_string();
    point_pool_at(&mut s2, stranger);
    s2.insure(BOB, Tranche::Junior, 1_000_000).unwrap();
    s2.bid(CAROL, 0, 1, "1", any_price()).unwrap();
    let deficit = s2
        .account(ALICE, 0)
        .unwrap()
        .settlement
        .unsigned_abs()
        .u128();
    assert!(deficit > 0 && s2.losses().bad_debt.is_zero());
    let liquidator2 = s2.waterfall().liquidator.clone();
    let bob2 = s2.traders[BOB].clone();
    let funds = vec![
        cosmwasm_std::coin(deficit + 1, SETTLEMENT),
        cosmwasm_std::coin(1, "uatom"),
    ];
    s2.app
        .send_tokens(bob2, liquidator2.clone(), &funds)
        .unwrap();
    let err = s2
        .ch_exec(&liquidator2, &settle, &coins(deficit + 1, SETTLEMENT))
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("is more than the deficit"),
        "{err:?}"
    );
    let err = s2
        .ch_exec(&liquidator2, &settle, &coins(1, "uatom"))
        .unwrap_err();
    assert!(format!("{err:?}").contains("uatom"), "{err:?}");
    assert!(
        s2.losses().bad_debt.is_zero(),
        "nothing recorded by a refused call"
    );
    // Exactly the deficit settles it all, with no bad debt.
    s2.ch_exec(&liquidator2, &settle, &coins(deficit, SETTLEMENT))
        .unwrap();
    assert_eq!(s2.account(ALICE, 0).unwrap().settlement, Int128::zero());
    assert_eq!(s2.losses().covered_by_insurance.u128(), deficit);
}
