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
        w.auction.clone(),
        w.keeper.clone(),
    ]);
    holders.iter().map(|a| s.balance(a, SETTLEMENT)).sum()
}

#[test]
fn crash_of_40_percent_with_200_accounts_liquidated_auctioned_and_covered() {
    let mut s = Suite::with_liquidation();
    let usdc_at_start = all_usdc(&s);
    // The pool: 30,000 USDC junior (Bob), 100,000 senior (Carol).
    s.insure(BOB, Tranche::Junior, 30_000_000_000).unwrap();
    s.insure(CAROL, Tranche::Senior, 100_000_000_000).unwrap();
    // 100 pairs: Alice's sub-account i is long 1,000 ATOM ($10,000) with a deposit from
    // $2,000 to $11,900; Bob's is short the same with $6,000. Modes cycle isolated / cross /
    // portfolio on both sides.
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
