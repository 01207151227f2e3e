//! The 40 % crash: one oracle update takes ATOM from $10 to $6 with 200 accounts of mixed
//! modes open (100 levered longs against 100 shorts). Every unhealthy account is
//! liquidated by a keeper, every lot is cleared by a bidder in the Dutch auction, the
//! insurance pool covers the deficits junior first, and no value is created or destroyed:
//! the clearinghouse's tokens equal its ledger to the unit, every uusdc in the chain is
//! accounted for, and the protocol-wide figures add up. The test prints the figures.

use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::clearinghouse::AccountMode;
use ballast_types::insurance::Tranche;
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::{Decimal, SignedDecimal};

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;
const PAIRS: u32 = 100;
const PRICES_AFTER: [(&str, &str); 3] = [("BTC", "60000"), ("ATOM", "6"), ("STATOM", "7.2")];

fn mode(i: u32) -> AccountMode {
    match i % 3 {
        0 => AccountMode::Isolated {
            market: "ATOM-PERP".into(),
        },
        1 => AccountMode::Cross,
        _ => AccountMode::Portfolio,
    }
}

/// Every uusdc the chain holds: traders, contracts, the keeper.
fn all_usdc(s: &Suite) -> u128 {
    let w = s.waterfall();
    let mut holders = s.traders.clone();
    holders.extend([
        s.ch().clearinghouse.clone(),
        w.insurance.clone(),
        w.liquidator.clone(),
        w.keeper.clone(),
    ]);
    holders.iter().map(|a| s.balance(a, SETTLEMENT)).sum()
}

/// 100 pairs: Alice's sub-account i is long 1,000 ATOM ($10,000) with a deposit from
/// $2,000 to $11,900; Bob's is short the same with $6,000. Modes cycle isolated / cross /
/// portfolio on both sides. The pool holds `junior` and `senior` uusdc; Carol bids from an
/// 800,000 USDC account. Returns the suite and every uusdc on the chain at the start.
fn open_pairs(junior: u128, senior: u128) -> (Suite, u128) {
    let mut s = Suite::with_liquidation();
    let usdc_at_start = all_usdc(&s);
    if junior > 0 {
        s.insure(BOB, Tranche::Junior, junior).unwrap();
    }
    if senior > 0 {
        s.insure(CAROL, Tranche::Senior, senior).unwrap();
    }
    for i in 0..PAIRS {
        s.create_account(ALICE, i, mode(i)).unwrap();
        s.create_account(BOB, i, mode(i + 1)).unwrap();
        let deposit = 2_000_000_000 + u128::from(i) * 100_000_000;
        s.deposit(ALICE, i, deposit, SETTLEMENT).unwrap();
        s.deposit(BOB, i, 6_000_000_000, SETTLEMENT).unwrap();
        let maker = s.signed(BOB, s.order(BOB, i, "ATOM-PERP", Sell, "1000", "10", 1));
        let taker = s.signed(ALICE, s.order(ALICE, i, "ATOM-PERP", Buy, "1000", "10", 1));
        s.settle(maker, taker, "1000", "10").unwrap();
    }
    s.create_account(CAROL, 0, AccountMode::Cross).unwrap();
    s.deposit(CAROL, 0, 800_000_000_000, SETTLEMENT).unwrap();
    s.assert_conservation();
    (s, usdc_at_start)
}

#[test]
fn crash_of_40_percent_with_200_accounts_liquidated_auctioned_and_covered() {
    // The pool: 30,000 USDC junior (Bob), 100,000 senior (Carol).
    let (mut s, usdc_at_start) = open_pairs(30_000_000_000, 100_000_000_000);
    let pool_before: Vec<u128> = s.tranches().iter().map(|t| t.assets.u128()).collect();

    // One oracle update: every feeder reports ATOM 40 % lower (stATOM with it).
    s.advance(30);
    s.feed(&PRICES_AFTER);
    let mut unhealthy = vec![];
    let mut underwater = 0;
    for owner in [ALICE, BOB] {
        for i in 0..PAIRS {
            let r = s.margin(owner, i).unwrap();
            if r.equity < r.maintenance_margin {
                unhealthy.push((owner, i));
                if r.equity < SignedDecimal::zero() {
                    underwater += 1;
                }
            }
        }
    }
    assert!(
        unhealthy.len() > 20 && underwater > 0,
        "a crash worth the name"
    );
    assert!(
        unhealthy.iter().all(|(o, _)| *o == ALICE),
        "only longs lose"
    );

    // Rounds: the keeper liquidates every account below maintenance margin (a healthy
    // one is refused); half an hour into the auctions (factor 0.925) Carol clears every
    // lot. A lot restores initial margin at the mark; sold at a discount it can leave the
    // account short again, and the next round takes the rest.
    assert!(
        s.liquidate(BOB, 0).is_err(),
        "a healthy short is not liquidated"
    );
    let (mut value, mut paid) = (SignedDecimal::zero(), SignedDecimal::zero());
    let (mut lots, mut rounds) = (0u64, 0);
    let mut liquidated = std::collections::BTreeSet::new();
    loop {
        let due: Vec<(usize, u32)> = (0..PAIRS)
            .flat_map(|i| [(ALICE, i), (BOB, i)])
            .filter(|&(o, i)| {
                let r = s.margin(o, i).unwrap();
                r.equity < r.maintenance_margin
            })
            .collect();
        if due.is_empty() {
            break;
        }
        rounds += 1;
        assert!(rounds <= 10, "liquidation does not converge");
        let first = lots + 1;
        for &(owner, i) in &due {
            s.liquidate(owner, i).unwrap();
            liquidated.insert((owner, i));
            lots += 1;
        }
        assert_eq!(s.losses().liquidations, lots);
        s.assert_conservation();
        s.advance(1800);
        s.feed(&PRICES_AFTER);
        for lot in first..=lots {
            let st = s.lot_status(lot);
            value += s.lot(lot).value.expect("fresh prices").value;
            paid += st.price.expect("priced");
            s.bid(CAROL, 0, lot, "1", st.price.unwrap()).unwrap();
            assert!(!s.lot(lot).open);
        }
        s.assert_conservation();
    }
    // Every account unhealthy after the crash was liquidated, and only longs were (later
    // rounds can catch more longs: the crash's return enters the volatility estimate an
    // hour later and margins rise).
    assert!(unhealthy.iter().all(|a| liquidated.contains(a)));
    assert!(liquidated.iter().all(|&(o, _)| o == ALICE));

    // The waterfall: deficits paid by the pool junior first; nothing left unaccounted.
    let losses = s.losses();
    let pool_after: Vec<u128> = s.tranches().iter().map(|t| t.assets.u128()).collect();
    let (junior_draw, senior_draw) = (
        pool_before[0] - pool_after[0],
        pool_before[1] - pool_after[1],
    );
    assert_eq!(
        junior_draw + senior_draw,
        losses.covered_by_insurance.u128()
    );
    assert!(senior_draw == 0 || pool_after[0] == 0, "junior pays first");
    for &(owner, i) in &liquidated {
        let a = s.account(owner, i).unwrap();
        assert!(a.lot.is_none(), "unfrozen");
        let r = s.margin(owner, i).unwrap();
        // Healthy again, or emptied and made whole by the pool (bad debt is zero here).
        assert!(
            r.equity >= r.maintenance_margin,
            "account {i}: {}",
            r.equity
        );
        assert!(r.equity >= SignedDecimal::zero());
    }
    assert!(losses.bad_debt.is_zero(), "the pool was deep enough");
    // No uusdc appeared or vanished anywhere on the chain.
    assert_eq!(all_usdc(&s), usdc_at_start);
    let discount =
        Decimal::one() - Decimal::try_from(paid).unwrap() / Decimal::try_from(value).unwrap();
    let usd = |x: SignedDecimal| x.to_string().parse::<f64>().unwrap_or(0.0) / 1e6;
    let usd_u = |x: u128| x as f64 / 1e6;
    println!(
        "crash -40 % ATOM, 200 accounts: {} unhealthy at once ({} underwater), {} liquidated in \
         {} rounds (margins rise as the crash enters volatility), {} lots cleared; auction \
         discount {:.2} % ({:.2} USDC paid for {:.2} of mark value); penalties {:.2} USDC \
         (keeper tips {:.2}); insurance draw junior {:.2} senior {:.2} USDC (NAV junior {:.2} -> \
         {:.2}, senior {:.2} -> {:.2}); bad debt {:.2} USDC",
        unhealthy.len(),
        underwater,
        liquidated.len(),
        rounds,
        lots,
        discount.to_string().parse::<f64>().unwrap_or(0.0) * 100.0,
        usd(paid),
        usd(value),
        usd_u(losses.penalties.u128()),
        usd_u(losses.keeper_tips.u128()),
        usd_u(junior_draw),
        usd_u(senior_draw),
        usd_u(pool_before[0]),
        usd_u(pool_after[0]),
        usd_u(pool_before[1]),
        usd_u(pool_after[1]),
        usd_u(losses.bad_debt.u128())
    );
}

/// The same crash with a pool of 1,000 USDC: lots bankrupt beyond the pool are closed by
/// auto-deleveraging against the shorts (ten candidates named per lot), the rest are
/// auctioned; counterparties only ever reduce and stay solvent, every shortfall is covered,
/// socialized or recorded, and no uusdc appears or vanishes.
#[test]
fn crash_with_an_exhausted_pool_is_closed_by_auto_deleveraging() {
    let (mut s, usdc_at_start) = open_pairs(1_000_000_000, 0);
    s.advance(30);
    s.feed(&PRICES_AFTER);
    let due: Vec<u32> = (0..PAIRS)
        .filter(|&i| {
            let r = s.margin(ALICE, i).unwrap();
            r.equity < r.maintenance_margin
        })
        .collect();
    for &i in &due {
        s.liquidate(ALICE, i).unwrap();
    }
    let lots = s.losses().liquidations;
    let (mut deleveraged, mut auctioned) = (0, 0);
    for lot in 1..=lots {
        let i = s.lot(lot).account.sub_id;
        let candidates: Vec<(usize, u32)> = (0..10).map(|k| (BOB, (i + k) % PAIRS)).collect();
        if s.deleverage(lot, &candidates).is_ok() {
            deleveraged += 1;
            assert!(!s.lot(lot).open, "positions-only lot closed by ADL");
        }
        s.assert_conservation();
    }
    s.advance(1800);
    s.feed(&PRICES_AFTER);
    for lot in 1..=lots {
        if s.lot(lot).open {
            let st = s.lot_status(lot);
            s.bid(CAROL, 0, lot, "1", st.price.unwrap()).unwrap();
            auctioned += 1;
        }
    }
    s.assert_conservation();
    let losses = s.losses();
    assert!(
        deleveraged > 0,
        "the pool was exhausted: some lots went to ADL"
    );
    // Shorts only ever reduced, and none left insolvent by its premium.
    let mut reduced = 0;
    for i in 0..PAIRS {
        let left: Vec<_> = s.positions(BOB, i);
        assert!(left.len() <= 1);
        if let Some(p) = left.first() {
            assert!(
                p.size < SignedDecimal::zero() && p.size >= SignedDecimal::from_ratio(-1000, 1),
                "Bob {i}: {}",
                p.size
            );
        }
        if left.first().map(|p| p.size) != Some(SignedDecimal::from_ratio(-1000, 1)) {
            reduced += 1;
        }
        assert!(s.margin(BOB, i).unwrap().equity >= SignedDecimal::zero());
    }
    // I5: every emptied negative balance is recorded bad debt.
    let mut outstanding = 0u128;
    for i in 0..PAIRS {
        let a = s.account(ALICE, i).unwrap();
        if a.settlement.is_negative() && a.positions.is_empty() && a.lot.is_none() {
            outstanding += a.settlement.unsigned_abs().u128();
        }
    }
    assert_eq!(outstanding, losses.bad_debt.u128());
    assert_eq!(all_usdc(&s), usdc_at_start);
    let usd_u = |x: u128| x as f64 / 1e6;
    println!(
        "crash -40 % ATOM with a 1,000 USDC pool: {} lots ({} closed by auto-deleveraging, {} \
         auctioned), {} short positions deleveraged ({} accounts reduced), socialized {:.2} \
         USDC, covered by the pool {:.2}, bad debt recorded {:.2} USDC",
        lots,
        deleveraged,
        auctioned,
        losses.deleveraged,
        reduced,
        usd_u(losses.socialized.u128()),
        usd_u(losses.covered_by_insurance.u128()),
        usd_u(losses.bad_debt.u128())
    );
}
