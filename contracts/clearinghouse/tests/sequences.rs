//! Random sequences of deposits, withdrawals, signed trades, price moves, waits, funding
//! cranks and replays, with the invariants checked after every step: I1 conservation
//! (tokens = ledger + fees + clearing), I2 no withdrawal leaves an account below IM, I3
//! MM ≤ IM, I10 a replayed match changes nothing, and funding sums to zero minus rounding
//! in the protocol's favour (0 ≤ clearing − Σ pending ≤ one unit per settlement).
//! `BALLAST_SEQUENCES` sets how many sequences run (default 1,000); the test prints how many
//! sequences and steps ran.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Accepted trades and withdrawals, and refused trades, over all sequences (reported).
static TRADES: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);
static WITHDRAWALS: AtomicUsize = AtomicUsize::new(0);
static CRANKS: AtomicUsize = AtomicUsize::new(0);
/// Steps after which some funding was settled or pending.
static FUNDED: AtomicUsize = AtomicUsize::new(0);

use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountMode, SignedOrder};
use ballast_types::order::Side::{Buy, Sell};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::{inv_conservation, ledger};

#[derive(Clone, Debug)]
enum Action {
    Deposit {
        t: usize,
        usdc: u64,
    },
    DepositAtom {
        t: usize,
        atom: u64,
    },
    Withdraw {
        t: usize,
        usdc: u64,
    },
    Trade {
        buyer: usize,
        seller: usize,
        lots: u32,
        tick_offset: i32,
    },
    Move {
        percent: i32,
    },
    Wait {
        minutes: u64,
    },
    Crank,
    ReplayLast,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0usize..3, 1u64..60_000).prop_map(|(t, usdc)| Action::Deposit { t, usdc }),
        (0usize..3, 1u64..5_000).prop_map(|(t, atom)| Action::DepositAtom { t, atom }),
        (0usize..3, 1u64..80_000).prop_map(|(t, usdc)| Action::Withdraw { t, usdc }),
        (0usize..3, 0usize..3, 1u32..3_000, -3_000i32..3_000).prop_map(
            |(buyer, seller, lots, tick_offset)| Action::Trade {
                buyer,
                seller,
                lots,
                tick_offset
            }
        ),
        (-9i32..=9).prop_map(|percent| Action::Move { percent }),
        (1u64..240).prop_map(|minutes| Action::Wait { minutes }),
        Just(Action::Crank),
        Just(Action::ReplayLast),
    ]
}

struct World {
    s: Suite,
    btc: f64,
    nonce: u64,
    last: Option<(SignedOrder, SignedOrder, String, String)>,
    /// An upper bound on settlements so far (each floors at most one base unit).
    settlements: i128,
}

impl World {
    fn new() -> World {
        let mut s = Suite::full();
        s.create_account(0, 0, AccountMode::Portfolio).unwrap();
        s.create_account(1, 0, AccountMode::Cross).unwrap();
        s.create_account(2, 0, AccountMode::Cross).unwrap();
        for t in 0..3 {
            s.deposit(t, 0, 50_000_000_000, SETTLEMENT).unwrap();
        }
        World {
            s,
            btc: 60_000.0,
            nonce: 0,
            last: None,
            settlements: 0,
        }
    }

    fn step(&mut self, a: &Action) -> Result<(), TestCaseError> {
        let s = &mut self.s;
        match a {
            Action::Deposit { t, usdc } => {
                s.deposit(*t, 0, *usdc as u128 * 1_000_000, SETTLEMENT)
                    .map_err(fail)?;
            }
            Action::DepositAtom { t, atom } => {
                s.deposit(*t, 0, *atom as u128 * 1_000_000, "uatom")
                    .map_err(fail)?;
            }
            Action::Withdraw { t, usdc } => {
                if s.withdraw(*t, 0, SETTLEMENT, *usdc as u128 * 1_000_000)
                    .is_ok()
                {
                    WITHDRAWALS.fetch_add(1, Ordering::Relaxed);
                    // I2: what was let out leaves the account at or above IM.
                    let r = s.margin(*t, 0).map_err(fail)?;
                    prop_assert!(
                        r.equity >= r.initial_margin,
                        "withdrawal left equity {} < IM {}",
                        r.equity,
                        r.initial_margin
                    );
                }
            }
            Action::Trade {
                buyer,
                seller,
                lots,
                tick_offset,
            } => {
                if buyer == seller {
                    return Ok(());
                }
                self.nonce += 1;
                let price = ((self.btc * 10.0).round() as i64 + *tick_offset as i64) as f64 / 10.0;
                let (size, px) = (
                    format!("{:.3}", *lots as f64 / 1000.0),
                    format!("{price:.1}"),
                );
                let maker = s.signed(
                    *seller,
                    s.order(*seller, 0, "BTC-PERP", Sell, &size, &px, self.nonce),
                );
                let taker = s.signed(
                    *buyer,
                    s.order(*buyer, 0, "BTC-PERP", Buy, &size, &px, self.nonce),
                );
                // Refused trades (below IM, say) must change nothing: the ledger is compared.
                let before = ledger(s);
                if s.settle(maker.clone(), taker.clone(), &size, &px).is_err() {
                    REFUSED.fetch_add(1, Ordering::Relaxed);
                    prop_assert_eq!(ledger(s), before);
                } else {
                    TRADES.fetch_add(1, Ordering::Relaxed);
                    self.last = Some((maker, taker, size, px));
                }
            }
            Action::Move { percent } => {
                self.btc = (self.btc * (1.0 + *percent as f64 / 100.0)).max(1_000.0);
                s.advance(5);
                let p = format!("{:.1}", self.btc);
                s.feed(&[("BTC", p.as_str()), ("ATOM", "10"), ("STATOM", "12")]);
            }
            Action::Wait { minutes } => {
                s.advance(minutes * 60);
                let p = format!("{:.1}", self.btc);
                s.feed(&[("BTC", p.as_str()), ("ATOM", "10"), ("STATOM", "12")]);
            }
            Action::Crank => {
                s.crank("BTC-PERP").map_err(fail)?;
                CRANKS.fetch_add(1, Ordering::Relaxed);
            }
            Action::ReplayLast => {
                if let Some((maker, taker, size, px)) = self.last.clone() {
                    // I10: a fully filled pair settles once; a replay changes nothing.
                    let before = ledger(s);
                    prop_assert!(
                        s.settle(maker, taker, &size, &px).is_err(),
                        "replayed match accepted"
                    );
                    prop_assert_eq!(ledger(s), before);
                }
            }
        }
        inv_conservation(s);
        // Funding is zero-sum: what was settled (−clearing) plus what is pending is at most
        // zero, short of it only by the floor of each account's cash.
        self.settlements += 3;
        let pending: i128 = (0..3)
            .flat_map(|t| s.positions(t, 0))
            .map(|p| p.pending.i128())
            .sum();
        let clearing = s.ledger_totals().clearing.i128();
        if clearing != 0 || pending != 0 {
            FUNDED.fetch_add(1, Ordering::Relaxed);
        }
        let gap = clearing - pending;
        prop_assert!(
            (0..=self.settlements).contains(&gap),
            "funding not zero-sum: clearing − pending = {gap}"
        );
        // I3 for every account: MM ≤ IM.
        for t in 0..3 {
            if let Ok(r) = s.margin(t, 0) {
                prop_assert!(r.maintenance_margin <= r.initial_margin);
            }
        }
        Ok(())
    }
}

fn fail(e: impl std::fmt::Debug) -> TestCaseError {
    TestCaseError::fail(format!("{e:?}"))
}

#[test]
fn inv_random_sequences_keep_conservation_margin_and_exactly_once() {
    let cases = std::env::var("BALLAST_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let steps = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(action(), 4..20), |actions| {
            let mut w = World::new();
            for a in &actions {
                w.step(a)?;
                steps.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        })
        .unwrap();
    let (trades, refused) = (
        TRADES.load(Ordering::Relaxed),
        REFUSED.load(Ordering::Relaxed),
    );
    println!(
        "sequences: {cases}, steps: {}, trades settled: {trades}, refused: {refused}, withdrawals: {}, funding cranks: {}, steps with funding owed or settled: {}",
        steps.load(Ordering::Relaxed),
        WITHDRAWALS.load(Ordering::Relaxed),
        CRANKS.load(Ordering::Relaxed),
        FUNDED.load(Ordering::Relaxed)
    );
    assert!(
        FUNDED.load(Ordering::Relaxed) > cases as usize / 10,
        "too few steps with funding for the zero-sum check to test anything"
    );
    assert!(
        trades > cases as usize / 10,
        "too few trades settled ({trades}) for the sequences to test anything"
    );
}
