//! Liquidation and the loss waterfall on the shared suite: the lot, the penalty and the
//! keeper tip, fills by the auction, the insurance pool covering deficits, recorded bad
//! debt; RELIABILITY 29, 30 and 33.

use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountMode, ExecuteMsg};
use ballast_types::insurance::Tranche;
use cosmwasm_std::{Int128, SignedDecimal};

use crate::{contract_err, inv_conservation, ledger};
use ballast_clearinghouse::error::ContractError;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

fn usdc(base_units: i128) -> SignedDecimal {
    SignedDecimal::from_atomics(base_units, 0).unwrap()
}

fn settlement(s: &Suite, t: usize) -> i128 {
    s.account(t, 0).unwrap().settlement.i128()
}

#[test]
fn liquidation_takes_the_smallest_part_that_restores_initial_margin() {
    let mut s = Suite::levered();
    // Lots sized for a sale at the mark (no assumed discount): then the bid at factor 1
    // below must leave Alice exactly at or above initial margin.
    let w = s.waterfall();
    let mut config = ballast_testing::liquidation_config(&w.liquidator, &w.insurance);
    config.sizing_discount = cosmwasm_std::Decimal::zero();
    let owner = s.owner.clone();
    s.ch_exec(&owner, &ExecuteMsg::SetLiquidation(config), &[])
        .unwrap();
    let btc = s.crash_until(ALICE, 0, false);
    let before = s.margin(ALICE, 0).unwrap();
    let keeper = s.waterfall().keeper.clone();
    let r = s.liquidate(ALICE, 0).unwrap();
    // The keeper is paid in tokens; the account pays the 1 % penalty (at least the tip).
    assert_eq!(s.balance(&keeper, SETTLEMENT), 5_000_000);
    let penalty: i128 = attribute(&r, "penalty").parse().unwrap();
    let lot = s.lot(1);
    assert!(lot.open && lot.collateral.is_empty());
    let taken = lot.positions[0].size;
    assert!(
        taken > SignedDecimal::zero() && taken < SignedDecimal::from_ratio(2, 1),
        "partial: {taken}"
    );
    inv_conservation(&s);
    // Frozen while the lot is out: no withdrawal, no trading.
    assert!(matches!(
        contract_err(s.withdraw(ALICE, 0, SETTLEMENT, 1)),
        ContractError::Frozen { lot: 1 }
    ));
    assert!(matches!(
        contract_err(s.liquidate(ALICE, 0)),
        ContractError::Frozen { lot: 1 }
    ));
    // At factor 1 (720 s into the linear 1.05 → 0.8 hour) the price is the mark: Carol
    // takes it all; Alice ends at or above initial margin, equity down by the penalty only.
    s.refeed_btc(btc, 720);
    let status = s.lot_status(1);
    assert_eq!(status.factor, cosmwasm_std::Decimal::one());
    s.bid(
        CAROL,
        0,
        1,
        "1",
        usdc(i128::MAX / 1_000_000_000_000_000_000),
    )
    .unwrap();
    let after = s.margin(ALICE, 0).unwrap();
    assert!(after.equity >= after.initial_margin, "{after:?}");
    let lost = before.equity - after.equity;
    assert!(
        (lost - usdc(penalty)).abs_diff(SignedDecimal::zero()) <= cosmwasm_std::Decimal::one(),
        "lost {lost}, penalty {penalty}"
    );
    // The smallest part: a lot 1 % smaller would not have done it (bisection to 2^-7).
    let positions = s.positions(CAROL, 0);
    assert_eq!(positions[0].size, taken);
    assert!(!s.lot(1).open && s.account(ALICE, 0).unwrap().lot.is_none());
    let losses = s.losses();
    assert_eq!(
        (losses.liquidations, losses.keeper_tips.u128()),
        (1, 5_000_000)
    );
    assert_eq!(losses.bad_debt.u128(), 0);
    inv_conservation(&s);
}

#[test]
fn bad_29_liquidating_a_healthy_account() {
    let mut s = Suite::levered();
    let before = ledger(&s);
    assert!(matches!(
        contract_err(s.liquidate(ALICE, 0)),
        ContractError::Healthy { .. }
    ));
    assert_eq!(ledger(&s), before);
    assert_eq!(s.losses().liquidations, 0);
}

#[test]
fn bad_30_liquidating_during_a_stale_oracle() {
    let mut s = Suite::levered();
    s.crash_until(ALICE, 0, false);
    s.advance(120);
    let before = ledger(&s);
    assert!(matches!(
        contract_err(s.liquidate(ALICE, 0)),
        ContractError::Oracle(_)
    ));
    assert_eq!(ledger(&s), before);
    assert_eq!(s.losses().liquidations, 0);
}

#[test]
fn bad_33_bidder_that_would_fail_initial_margin() {
    let mut s = Suite::levered();
    let btc = s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    // Bob's second account holds 100 USDC: far too little for a BTC lot.
    s.create_account(BOB, 1, AccountMode::Cross).unwrap();
    s.deposit(BOB, 1, 100_000_000, SETTLEMENT).unwrap();
    s.refeed_btc(btc, 720);
    let before = (ledger(&s), s.lot(1), s.lot_status(1));
    let err = s
        .bid(BOB, 1, 1, "1", usdc(i128::MAX / 1_000_000_000_000_000_000))
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("below initial margin"),
        "{err:?}"
    );
    assert_eq!((ledger(&s), s.lot(1), s.lot_status(1)), before);
    inv_conservation(&s);
}

#[test]
fn underwater_account_is_still_auctioned_the_keeper_paid_and_insurance_covers() {
    let mut s = Suite::levered();
    // Depositors: junior 3,000 USDC (Bob), senior 10,000 (Carol).
    s.insure(BOB, Tranche::Junior, 3_000_000_000).unwrap();
    s.insure(CAROL, Tranche::Senior, 10_000_000_000).unwrap();
    let btc = s.crash_until(ALICE, 0, true);
    assert!(s.margin(ALICE, 0).unwrap().equity < SignedDecimal::zero());
    s.liquidate(ALICE, 0).unwrap();
    let lot = s.lot(1);
    assert_eq!(
        lot.positions[0].size,
        SignedDecimal::from_ratio(2, 1),
        "all of it"
    );
    assert!(lot.debt.u128() > 0);
    s.refeed_btc(btc, 720);
    s.bid(
        CAROL,
        0,
        1,
        "1",
        usdc(i128::MAX / 1_000_000_000_000_000_000),
    )
    .unwrap();
    // Nothing left but a deficit: the pool paid it, junior first.
    let alice = s.account(ALICE, 0).unwrap();
    assert_eq!(alice.settlement, Int128::zero());
    let losses = s.losses();
    let covered = losses.covered_by_insurance.u128();
    assert!(covered > 0 && losses.bad_debt.is_zero());
    let tranches = s.tranches();
    let paid_junior = 3_000_000_000 - tranches[0].assets.u128().min(3_000_000_000);
    let paid_senior = 10_000_000_000 - tranches[1].assets.u128();
    assert_eq!(paid_junior + paid_senior, covered);
    assert!(
        paid_senior == 0 || paid_junior == 3_000_000_000,
        "junior first"
    );
    inv_conservation(&s);
}

#[test]
fn exhausted_pool_leaves_recorded_bad_debt_that_a_deposit_pays_first() {
    let mut s = Suite::levered();
    s.insure(BOB, Tranche::Junior, 100_000_000).unwrap();
    let btc = s.crash_until(ALICE, 0, true);
    s.liquidate(ALICE, 0).unwrap();
    s.refeed_btc(btc, 720);
    s.bid(
        CAROL,
        0,
        1,
        "1",
        usdc(i128::MAX / 1_000_000_000_000_000_000),
    )
    .unwrap();
    let losses = s.losses();
    assert_eq!(losses.covered_by_insurance.u128(), 100_000_000);
    let debt = -settlement(&s, ALICE);
    assert!(debt > 0);
    assert_eq!(losses.bad_debt.u128() as i128, debt);
    assert!(s.tranches()[0].assets.is_zero());
    // Recorded bad debt is not a lot: liquidating it again would only pay keeper tips.
    let before = ledger(&s);
    assert_eq!(
        contract_err(s.liquidate(ALICE, 0)),
        ContractError::NothingToLiquidate {}
    );
    assert_eq!(ledger(&s), before);
    // Alice's next deposit pays her debt first: nothing can be withdrawn beyond it.
    s.deposit(ALICE, 0, debt as u128 + 1_000_000, SETTLEMENT)
        .unwrap();
    assert_eq!(settlement(&s, ALICE), 1_000_000);
    assert!(s.withdraw(ALICE, 0, SETTLEMENT, 1_000_001).is_err());
    s.withdraw(ALICE, 0, SETTLEMENT, 1_000_000).unwrap();
    inv_conservation(&s);
}

/// The value of attribute `key` in the first event that has it.
pub fn attribute(r: &cw_multi_test::AppResponse, key: &str) -> String {
    ballast_testing::attribute(r, key).unwrap_or_else(|| panic!("no attribute {key}"))
}

/// Alice long 2 BTC bankrupt by more than the pool holds: her lot is closed against the
/// opposite positions, the most profitable × leveraged first, at the bankruptcy price.
#[test]
fn exhausted_pool_leads_to_auto_deleveraging_at_the_bankruptcy_price() {
    use ballast_types::liquidator::LotEventKind;
    use ballast_types::order::Side::{Buy, Sell};
    let mut s = Suite::levered();
    // A second short: Carol's sub-account 1 sells 1 BTC to Bob's sub-account 1, on far less
    // equity than Bob's 200,000 (higher leverage, smaller profit).
    for (t, amount) in [(CAROL, 15_000u128), (BOB, 100_000)] {
        s.create_account(t, 1, AccountMode::Cross).unwrap();
        s.deposit(t, 1, amount * 1_000_000, SETTLEMENT).unwrap();
    }
    let maker = s.signed(CAROL, s.order(CAROL, 1, "BTC-PERP", Sell, "1", "60000", 1));
    let taker = s.signed(BOB, s.order(BOB, 1, "BTC-PERP", Buy, "1", "60000", 1));
    s.settle(maker, taker, "1", "60000").unwrap();
    s.insure(BOB, Tranche::Junior, 100_000_000).unwrap();
    let mut btc = s.crash_until(ALICE, 0, true);
    btc = btc * 95 / 100;
    s.refeed_btc(btc, 30);
    s.liquidate(ALICE, 0).unwrap();
    assert_eq!(s.lot(1).positions[0].size, SignedDecimal::from_ratio(2, 1));

    // Bad candidate lists change nothing.
    let before = ledger(&s);
    let too_many = vec![(BOB, 0); 11];
    for (candidates, expected) in [
        (vec![], "between 1 and 10"),
        (too_many, "between 1 and 10"),
        // Alice herself, a long and an empty account: nobody opposite and profitable.
        (vec![(ALICE, 0), (BOB, 1), (CAROL, 0)], "no candidate"),
    ] {
        let err = s.deleverage(1, &candidates).unwrap_err();
        assert!(
            format!("{:#}", err).contains(expected),
            "{expected}: {err:#}"
        );
    }
    assert_eq!(ledger(&s), before);

    let carol_short = s.account(CAROL, 1).unwrap();
    let alice = s.account(ALICE, 0).unwrap();
    let value = s.lot(1).value.unwrap().value;
    let deficit = -(usdc(alice.settlement.i128()) + value);
    let socialize = deficit - usdc(100_000_000);
    assert!(socialize > SignedDecimal::zero(), "deficit {deficit}");
    let r = s
        .deleverage(1, &[(BOB, 0), (ALICE, 0), (CAROL, 1), (BOB, 1)])
        .unwrap();
    assert_eq!(attribute(&r, "skipped"), "");
    // Carol's short ranks first (profit 1 × Δ at ~4× leverage beats Bob's 2 × Δ at ~0.6×):
    // her whole BTC short closes, Bob's takes the rest.
    let history = s.lot_history(1);
    let takes: Vec<(String, u32, SignedDecimal, u128)> = history
        .iter()
        .filter_map(|e| match &e.kind {
            LotEventKind::Deleveraged {
                counterparty,
                size,
                premium,
                ..
            } => Some((
                counterparty.owner.clone(),
                counterparty.sub_id,
                *size,
                premium.u128(),
            )),
            _ => None,
        })
        .collect();
    let one = SignedDecimal::one();
    assert_eq!(
        takes.iter().map(|t| (t.1, t.2)).collect::<Vec<_>>(),
        [(1, one), (0, one)]
    );
    assert_eq!(takes[0].0, s.traders[CAROL].to_string());
    assert_eq!(takes[1].0, s.traders[BOB].to_string());
    // Each pays half of what the pool cannot cover (the lot is one position), rounded down.
    let half = (socialize / usdc(2)).to_int_floor().i128() as u128;
    assert_eq!((takes[0].3, takes[1].3), (half, half));
    assert!(s.positions(CAROL, 1).is_empty());
    assert_eq!(s.positions(BOB, 0)[0].size, -one);
    // Carol paid the mark value of 1 BTC (rounded down) plus her premium.
    let mark = value / usdc(2);
    let carol_after = s.account(CAROL, 1).unwrap();
    let paid = carol_short.settlement.i128() - carol_after.settlement.i128();
    assert!(
        carol_short.positions[0].pending.is_zero() || paid != 0,
        "funding settles first"
    );
    let expected = mark.to_int_floor().i128() + half as i128;
    assert!(
        (paid - expected).abs() <= carol_short.positions[0].pending.i128().abs() + 1,
        "paid {paid}, expected {expected}"
    );
    // The lot is closed on both sides; the pool paid what was left of the deficit (its
    // 100 USDC), bad debt is only the rounding of the two takes.
    assert!(!s.lot(1).open && !s.lot_status(1).active);
    let losses = s.losses();
    assert_eq!(losses.deleveraged, 2);
    assert_eq!(losses.socialized.u128(), 2 * half);
    assert_eq!(losses.covered_by_insurance.u128(), 100_000_000);
    assert!(losses.bad_debt.u128() <= 3, "bad debt {}", losses.bad_debt);
    assert_eq!(
        -(s.account(ALICE, 0).unwrap().settlement.i128()),
        losses.bad_debt.u128() as i128
    );
    println!(
        "ADL: BTC {btc}, deficit {deficit} uusdc, pool 100 USDC, socialized {} over 2 takes \
         (Carol 1 BTC, Bob 1 BTC, premium {half} each), bad debt {} uusdc",
        losses.socialized, losses.bad_debt
    );
    // Nothing left to deleverage: the lot is finished.
    assert!(s.deleverage(1, &[(BOB, 0)]).is_err());
    inv_conservation(&s);
}

#[test]
fn no_deleveraging_while_the_pool_covers_the_deficit() {
    let mut s = Suite::levered();
    s.insure(BOB, Tranche::Junior, 100_000_000_000).unwrap();
    s.crash_until(ALICE, 0, true);
    s.liquidate(ALICE, 0).unwrap();
    let before = ledger(&s);
    let err = s.deleverage(1, &[(BOB, 0)]).unwrap_err();
    assert!(
        format!("{err:#}").contains("no deleveraging needed"),
        "{err:#}"
    );
    assert_eq!(ledger(&s), before);
}

#[test]
fn no_deleveraging_of_a_solvent_lot() {
    let mut s = Suite::levered();
    s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    let before = ledger(&s);
    let err = s.deleverage(1, &[(BOB, 0)]).unwrap_err();
    let text = format!("{err:#}");
    assert!(
        text.contains("not bankrupt") || text.contains("not the whole of its account"),
        "{text}"
    );
    assert_eq!(ledger(&s), before);
}

/// Revenue to the pool: `SweepFees` sends `insurance_share` (50 % in the suite) of every fee
/// and penalty earned since the last sweep, and the pool splits it between its tranches.
#[test]
fn sweep_sends_the_pools_share_of_fees_and_penalties() {
    use cosmwasm_std::{Decimal, Empty};
    let mut s = Suite::levered();
    s.insure(BOB, Tranche::Junior, 1_000_000_000).unwrap();
    s.insure(CAROL, Tranche::Senior, 1_000_000_000).unwrap();
    let keeper = s.waterfall().keeper.clone();
    let sweep = ExecuteMsg::SweepFees(Empty {});
    let fees = s.ledger_totals().fees.u128();
    assert!(fees > 0, "the levered trade paid fees");
    let nav = |s: &Suite| -> u128 { s.tranches().iter().map(|t| t.assets.u128()).sum() };
    let before = nav(&s);
    s.ch_exec(&keeper, &sweep, &[]).unwrap();
    // Half of the fees, rounded down; the rest stays with the protocol.
    let totals = s.ledger_totals();
    assert_eq!(totals.losses.to_insurance.u128(), fees / 2);
    assert_eq!(totals.fees.u128(), fees - fees / 2);
    assert_eq!(nav(&s) - before, fees / 2);
    inv_conservation(&s);
    // Nothing new earned: nothing to sweep, nothing changes.
    assert_eq!(
        contract_err(s.ch_exec(&keeper, &sweep, &[])),
        ContractError::NothingToSweep {}
    );
    // A liquidation's penalty (less the keeper tip) is revenue too.
    s.crash_until(ALICE, 0, false);
    let r = s.liquidate(ALICE, 0).unwrap();
    let penalty: u128 = attribute(&r, "penalty").parse().unwrap();
    s.ch_exec(&keeper, &sweep, &[]).unwrap();
    let earned = fees + penalty - 5_000_000;
    assert_eq!(
        s.ledger_totals().losses.to_insurance.u128(),
        earned / 2,
        "half of all revenue ever earned"
    );
    inv_conservation(&s);
    // The share is validated.
    let w = s.waterfall();
    let mut config = ballast_testing::liquidation_config(&w.liquidator, &w.insurance);
    config.insurance_share = Decimal::percent(101);
    let owner = s.owner.clone();
    assert!(matches!(
        contract_err(s.ch_exec(&owner, &ExecuteMsg::SetLiquidation(config), &[])),
        ContractError::InvalidConfig { .. }
    ));
}

/// The clearinghouse bounds what any auction can do to a deleveraged counterparty: the
/// premium is never negative, never lifts the bankrupt account above zero, a solvent
/// account's lot cannot be deleveraged at all, and the counterparty must hold an opposite
/// position (it only ever reduces).
#[test]
fn deleveraging_fills_are_bounded_whatever_the_auction_asks() {
    use ballast_types::clearinghouse::AccountRef;
    use cosmwasm_std::Decimal;
    let mut s = Suite::levered();
    s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    let auction = s.waterfall().liquidator.clone();
    let fill = |who: usize, premium: i128, market: &str| ExecuteMsg::AuctionFill {
        lot: 1,
        bidder: AccountRef {
            owner: s.traders[who].to_string(),
            sub_id: 0,
        },
        fraction: Decimal::one(),
        terms: ballast_types::clearinghouse::FillTerms::Deleverage {
            market: market.into(),
            premium: Int128::new(premium),
        },
    };
    let before = ledger(&s);
    for (msg, premium_error, what) in [
        (fill(BOB, -1, "BTC-PERP"), true, "negative premium"),
        (fill(BOB, 0, "BTC-PERP"), true, "solvent account"),
        (
            fill(BOB, 1_000_000_000_000, "BTC-PERP"),
            true,
            "premium above the deficit",
        ),
        (fill(CAROL, 0, "BTC-PERP"), false, "no opposite position"),
        (fill(BOB, 0, "ETH-PERP"), false, "not in the lot"),
    ] {
        let err = contract_err(s.ch_exec(&auction, &msg, &[]));
        if premium_error {
            assert!(
                matches!(err, ContractError::DeleveragePremium { .. }),
                "{what}: {err:?}"
            );
        } else {
            assert!(
                matches!(err, ContractError::NotOpposite { .. }),
                "{what}: {err:?}"
            );
        }
    }
    assert_eq!(ledger(&s), before);
    assert_eq!(s.losses().deleveraged, 0);
}

/// A bankrupt lot of positions and collateral: deleveraging closes the positions and leaves
/// the collateral to the auction, whose sale closes the lot; what the pool kept back covers
/// the sale's discount first.
#[test]
fn deleveraging_leaves_a_lots_collateral_to_the_auction() {
    let mut s = Suite::levered();
    s.deposit_statom(ALICE, 0, 100_000_000).unwrap(); // 100 stATOM at 12 USDC
    s.insure(BOB, Tranche::Junior, 100_000_000).unwrap();
    let mut btc = s.crash_until(ALICE, 0, true);
    btc = btc * 95 / 100;
    s.refeed_btc(btc, 30);
    s.liquidate(ALICE, 0).unwrap();
    let lot = s.lot(1);
    assert_eq!(lot.collateral.len(), 1, "the collateral is in the lot");
    s.deleverage(1, &[(BOB, 0)]).unwrap();
    let lot = s.lot(1);
    assert!(lot.open && lot.positions.iter().all(|p| p.size.is_zero()));
    assert_eq!(lot.collateral[0].amount.u128(), 100_000_000);
    assert!(s.lot_status(1).active, "the collateral is still for sale");
    assert!(s.positions(BOB, 0).is_empty(), "Bob's short closed");
    inv_conservation(&s);
    // Carol buys the stATOM at the auction's price; the lot closes and the pool pays.
    s.refeed_btc(btc, 720);
    let price = s.lot_status(1).price.unwrap();
    s.bid(CAROL, 0, 1, "1", price).unwrap();
    assert!(!s.lot(1).open && !s.lot_status(1).active);
    let losses = s.losses();
    assert_eq!(losses.deleveraged, 1);
    assert!(losses.socialized.u128() > 0);
    assert_eq!(losses.covered_by_insurance.u128(), 100_000_000);
    assert_eq!(
        -settlement(&s, ALICE),
        losses.bad_debt.u128() as i128,
        "what the pool could not cover is recorded"
    );
    // The sale was at factor 1 (720 s in): no discount, so the pool's 100 USDC covered it.
    assert!(losses.bad_debt.u128() <= 1, "bad debt {}", losses.bad_debt);
    inv_conservation(&s);
}
