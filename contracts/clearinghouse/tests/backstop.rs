//! The insurance pool as backstop bidder at the floor: the auction asks it before a redo,
//! it takes the whole lot into its own clearinghouse account (funded from the junior
//! tranche, its equity part of the junior value), and the operator's agent key unwinds the
//! position with ordinary signed orders — but can never withdraw.

use ballast_testing::{sign_with as sign, trader_address, trader_key};
use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountMode, ExecuteMsg};
use ballast_types::insurance::{ExecuteMsg as PoolMsg, Tranche};
use ballast_types::liquidator::LotEventKind;
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::{Decimal, SignedDecimal, Uint128};
use cw_multi_test::Executor;

use crate::liquidation::attribute as attr;
use crate::{contract_err, inv_conservation};
use ballast_clearinghouse::error::ContractError;
use ballast_insurance_pool::error::ContractError as PoolError;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;
const USDC: u128 = 1_000_000;

fn pool_err(r: ballast_testing::AnyResult<cw_multi_test::AppResponse>) -> PoolError {
    r.expect_err("the call should fail")
        .downcast::<PoolError>()
        .expect("a pool error")
}

/// Alice's lot with no bids until the floor: the redo hands it to the pool's backstop account
/// at the cusp price (80 % of the mark); the junior tranche gains the discount; the agent
/// sells the position to Bob; the owner takes the margin back to the junior tranche.
#[test]
fn the_pool_takes_a_lot_at_the_floor_and_its_agent_unwinds_it() {
    let mut s = Suite::levered();
    s.insure(CAROL, Tranche::Junior, 40_000 * USDC).unwrap();
    s.insure(BOB, Tranche::Senior, 60_000 * USDC).unwrap();
    let pool = s.with_backstop(30_000 * USDC);
    let pool_addr = s.traders[pool].clone();
    let junior = &s.tranches()[0];
    assert_eq!(
        (junior.assets.u128(), junior.liquid.u128()),
        (40_000 * USDC, 10_000 * USDC),
        "funding moves coin into the account, the junior value stays"
    );
    assert_eq!(s.backstop().equity.u128(), 30_000 * USDC);

    let btc = s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    let taken = s.lot(1).positions[0].size;
    // Black Thursday: nobody bids during the whole run.
    s.refeed_btc(btc, 3_600);
    assert!(s.lot_status(1).needs_redo);
    let keeper = s.waterfall().keeper.clone();
    let keeper_before = s.balance(&keeper, SETTLEMENT);
    let r = s.redo(1).unwrap();

    // The pool bid for everything at the floor, priced from a fresh mark.
    assert_eq!(attr(&r, "factor"), "0.8");
    let mark: SignedDecimal = attr(&r, "mark_value").parse().unwrap();
    let payment: i128 = attr(&r, "payment").parse().unwrap();
    let floor = mark * SignedDecimal::percent(80);
    assert_eq!(
        payment,
        floor.to_int_ceil().i128(),
        "the ceiling of 0.8 × mark"
    );
    let status = s.lot_status(1);
    assert!(!status.active && status.redos == 0);
    match &s.lot_history(1).last().unwrap().kind {
        LotEventKind::Bid {
            bidder, fraction, ..
        } => assert_eq!(
            (bidder, *fraction),
            (&pool_addr.to_string(), Decimal::one())
        ),
        other => panic!("expected the pool's bid, got {other:?}"),
    }
    assert_eq!(s.positions(pool, 0)[0].size, taken);
    assert_eq!(
        s.balance(&keeper, SETTLEMENT),
        keeper_before,
        "no redo, no redo tip"
    );
    // The junior tranche owns the account: its equity grew by the discount (mark − price),
    // less rounding and funding.
    let b = s.backstop();
    let equity = b.equity.u128();
    let report = s.margin(pool, 0).unwrap();
    assert_eq!(equity as i128, report.equity.to_int_floor().i128());
    let gain = equity as i128 - (30_000 * USDC) as i128;
    let discount = mark.to_int_floor().i128() - payment;
    assert!(
        (gain - discount).abs() <= 2,
        "gain {gain}, discount {discount}"
    );
    // Sold at the floor, the whole of Alice's account left a deficit beyond the junior
    // tranche's coin: the senior tranche paid the rest — lent to the junior tranche, which
    // still owned equity in the account. The senior tranche stays whole; the junior tranche
    // carries the loss as its debt.
    let deficit = s.losses().covered_by_insurance.u128();
    assert!(deficit > 10_000 * USDC, "deficit {deficit}");
    assert_eq!(b.junior_debt.u128(), deficit - 10_000 * USDC);
    let [junior, senior] = <[_; 2]>::try_from(s.tranches()).unwrap();
    assert_eq!(junior.liquid.u128(), 0);
    assert_eq!(senior.liquid.u128(), 60_000 * USDC - b.junior_debt.u128());
    assert_eq!(senior.assets.u128(), 60_000 * USDC);
    assert_eq!(junior.assets.u128(), equity - b.junior_debt.u128());
    println!(
        "backstop: lot bought at {:.2} USDC (mark {:.2}), equity {:.2} USDC, deficit {:.2} \
         covered: junior coin 10,000.00, senior {:.2} lent to junior; junior NAV {:.2}",
        payment as f64 / 1e6,
        mark.to_int_floor().i128() as f64 / 1e6,
        equity as f64 / 1e6,
        deficit as f64 / 1e6,
        b.junior_debt.u128() as f64 / 1e6,
        junior.assets.u128() as f64 / 1e6
    );
    inv_conservation(&s);

    // Only the named agent signs for the pool's account. Lots are cut in whole lots (0.001
    // BTC), so the agent can close all of it with one order.
    let lot_step = SignedDecimal::permille(1);
    assert_eq!((taken / lot_step).floor() * lot_step, taken, "whole lots");
    let (size, price) = (taken.to_string(), btc.to_string());
    let order = s.order(pool, 0, "BTC-PERP", Sell, &size, "1", 1);
    let forged = sign(&trader_key("mallory"), order.clone());
    let bob_buys = s.order(BOB, 0, "BTC-PERP", Buy, &size, &price, 7);
    let maker = s.signed(BOB, bob_buys);
    assert!(matches!(
        contract_err(s.settle(maker.clone(), forged, &size, &price)),
        ContractError::Order(_)
    ));
    // The agent sells the position to Bob (closing part of his short) at the mark.
    let by_agent = s.signed(pool, order);
    s.settle(maker, by_agent, &size, &price).unwrap();
    assert!(s.positions(pool, 0).is_empty());
    inv_conservation(&s);

    // The agent cannot withdraw: a withdrawal from the agent is for the agent's own (absent)
    // account, and the pool's stays as it was.
    let agent = trader_address(&s.keys[pool]);
    let before = s.account(pool, 0).unwrap();
    let withdraw = ExecuteMsg::Withdraw {
        sub_id: 0,
        collateral: SETTLEMENT.into(),
        amount: Uint128::new(USDC),
    };
    assert!(matches!(
        contract_err(s.ch_exec(&agent, &withdraw, &[])),
        ContractError::NoAccount { .. }
    ));
    assert_eq!(s.account(pool, 0).unwrap(), before);

    // The owner takes 30,000 USDC back to the junior tranche's coin, which repays its debt
    // to the senior tranche first; the junior value does not move (coin for equity).
    let owner = s.owner.clone();
    let pool_bank = s.balance(&pool_addr, SETTLEMENT);
    let debt = s.backstop().junior_debt.u128();
    let junior_value = s.tranches()[0].assets;
    let defund = PoolMsg::DefundBackstop {
        amount: Uint128::new(30_000 * USDC),
    };
    s.app
        .execute_contract(owner, pool_addr.clone(), &defund, &[])
        .unwrap();
    assert_eq!(s.balance(&pool_addr, SETTLEMENT), pool_bank + 30_000 * USDC);
    let [junior, senior] = <[_; 2]>::try_from(s.tranches()).unwrap();
    assert_eq!(s.backstop().junior_debt.u128(), 0);
    assert_eq!(junior.liquid.u128(), 30_000 * USDC - debt);
    assert_eq!(senior.liquid.u128(), 60_000 * USDC);
    assert_eq!(junior.assets, junior_value);
    inv_conservation(&s);
}

/// A backstop without margin fails the clearinghouse's initial-margin check: the auction
/// restarts the lot as a plain redo (the keeper tipped) and the pool is untouched.
#[test]
fn an_unfunded_backstop_declines_and_the_lot_restarts() {
    let mut s = Suite::levered();
    s.insure(CAROL, Tranche::Junior, 40_000 * USDC).unwrap();
    let pool = s.with_backstop(0);
    let btc = s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    s.refeed_btc(btc, 3_600);
    let keeper = s.waterfall().keeper.clone();
    let keeper_before = s.balance(&keeper, SETTLEMENT);
    let tranches = s.tranches();
    let r = s.redo(1).unwrap();
    assert!(
        attr(&r, "backstop_declined").contains("initial margin"),
        "{}",
        attr(&r, "backstop_declined")
    );
    let status = s.lot_status(1);
    assert!(status.active && status.redos == 1 && !status.needs_redo);
    assert!(matches!(
        s.lot_history(1).last().unwrap().kind,
        LotEventKind::Redo { .. }
    ));
    assert_eq!(s.balance(&keeper, SETTLEMENT), keeper_before + USDC);
    assert!(s.positions(pool, 0).is_empty());
    assert_eq!(s.tranches(), tranches);
    inv_conservation(&s);
}

/// Only the auction asks the pool to bid, only the owner configures and funds it, the
/// account cannot be swapped for another, and the pool cannot fund with coin it has not.
#[test]
fn backstop_bad_inputs() {
    let mut s = Suite::levered();
    s.insure(CAROL, Tranche::Junior, 1_000 * USDC).unwrap();
    let pool_addr = s.waterfall().insurance.clone();
    let mallory = s.app.api().addr_make("mallory");
    let fund = PoolMsg::FundBackstop {
        amount: Uint128::new(USDC),
    };
    let owner = s.owner.clone();
    // Before SetBackstop there is nothing to fund.
    assert_eq!(
        pool_err(
            s.app
                .execute_contract(owner.clone(), pool_addr.clone(), &fund, &[])
        ),
        PoolError::NoBackstop {}
    );
    let set = PoolMsg::SetBackstop {
        auction: None,
        sub_id: 0,
        agent: None,
    };
    assert_eq!(
        pool_err(
            s.app
                .execute_contract(mallory.clone(), pool_addr.clone(), &set, &[])
        ),
        PoolError::Unauthorized {}
    );
    s.with_backstop(0);
    for msg in [
        fund.clone(),
        PoolMsg::DefundBackstop {
            amount: Uint128::new(USDC),
        },
        set,
    ] {
        assert_eq!(
            pool_err(
                s.app
                    .execute_contract(mallory.clone(), pool_addr.clone(), &msg, &[])
            ),
            PoolError::Unauthorized {}
        );
    }
    // A keeper cannot make the pool bid: only its auction asks.
    assert_eq!(
        pool_err(s.app.execute_contract(
            mallory,
            pool_addr.clone(),
            &PoolMsg::Backstop { lot: 1 },
            &[]
        )),
        PoolError::Unauthorized {}
    );
    let other = PoolMsg::SetBackstop {
        auction: None,
        sub_id: 1,
        agent: None,
    };
    assert_eq!(
        pool_err(
            s.app
                .execute_contract(owner.clone(), pool_addr.clone(), &other, &[])
        ),
        PoolError::BackstopAccountFixed { sub_id: 0 }
    );
    let too_much = PoolMsg::FundBackstop {
        amount: Uint128::new(1_001 * USDC),
    };
    assert_eq!(
        pool_err(s.app.execute_contract(owner, pool_addr, &too_much, &[])),
        PoolError::Illiquid {
            tranche: Tranche::Junior,
            needed: Uint128::new(1_001 * USDC),
            liquid: Uint128::new(1_000 * USDC),
        }
    );
    // The account is an ordinary cross account with the agent named.
    let pool = s.traders.len() - 1;
    let account = s.account(pool, 0).unwrap();
    assert_eq!(account.mode, AccountMode::Cross);
    assert_eq!(
        account.agent,
        Some(trader_address(&s.keys[pool]).to_string())
    );
}

/// The agent can revoke an order it signed for the account; nobody else but the owner can.
#[test]
fn the_agent_cancels_what_it_signed() {
    let mut s = Suite::levered();
    let pool = s.with_backstop(0);
    let order = s.order(pool, 0, "BTC-PERP", Sell, "1", "60000", 1);
    let cancel = ExecuteMsg::CancelOrder(order.clone());
    let mallory = s.app.api().addr_make("mallory");
    assert!(matches!(
        contract_err(s.ch_exec(&mallory, &cancel, &[])),
        ContractError::Unauthorized {}
    ));
    let agent = trader_address(&s.keys[pool]);
    s.ch_exec(&agent, &cancel, &[]).unwrap();
    let by_agent = s.signed(pool, order);
    let bob_buys = s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Buy, "1", "60000", 9));
    assert!(matches!(
        contract_err(s.settle(bob_buys, by_agent, "1", "60000")),
        ContractError::OrderCancelled { .. }
    ));
}
