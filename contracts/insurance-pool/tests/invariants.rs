//! Random sequences of user actions (a deterministic generator, several seeds) with the
//! invariants checked after every step: I1 conservation and I7 share accounting.

use ballast_insurance_pool::error::ContractError;
use ballast_insurance_pool::math::assets_for_shares;
use ballast_types::insurance::{ExecuteMsg, Tranche};
use cosmwasm_std::Uint128;

use ballast_testing::pool::{Suite, COOLDOWN};

const HOLDERS: [&str; 3] = ["alice", "bob", "carol"];

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// 1 ..= 10^digits, spread over the orders of magnitude.
    fn amount(&mut self, digits: u32) -> u128 {
        let scale = 10u128.pow(self.below(u64::from(digits) + 1) as u32);
        1 + (self.next() as u128) % scale
    }
    fn tranche(&mut self) -> Tranche {
        Tranche::ALL[self.below(2) as usize]
    }
    fn holder(&mut self) -> &'static str {
        HOLDERS[self.below(3) as usize]
    }
}

/// I7: what every holder (and every request) could redeem at most adds up to the assets.
fn assert_shares_priced_fairly(s: &Suite) {
    for tranche in Tranche::ALL {
        let t = s.tranche(tranche);
        let value = |shares| assets_for_shares(shares, t.assets, t.supply).unwrap();
        let mut claims = Uint128::zero();
        for h in HOLDERS {
            claims += value(s.shares(h, tranche));
        }
        claims += value(t.locked);
        assert!(
            claims <= t.assets,
            "{tranche}: claims {claims} > assets {}",
            t.assets
        );
    }
}

/// What a sequence did, so a test that exercised nothing cannot pass.
#[derive(Default, Debug)]
struct Done {
    deposits: u32,
    zero_shares: u32,
    revenues: u32,
    covers: u32,
    uncovered: u32,
    requests: u32,
    withdrawals: u32,
    cancels: u32,
    early: u32,
}

fn step(s: &mut Suite, rng: &mut Rng, done: &mut Done) {
    match rng.below(7) {
        0 => {
            let (h, t, a) = (rng.holder(), rng.tranche(), rng.amount(7));
            match s.deposit(h, t, a) {
                Ok(_) => done.deposits += 1,
                Err(e) => {
                    let e = e.downcast::<ContractError>().expect("contract error");
                    assert!(matches!(e, ContractError::ZeroShares { .. }), "{e}");
                    done.zero_shares += 1;
                }
            }
        }
        1 => match s.distribute("carol", rng.amount(6)) {
            Ok(_) => done.revenues += 1,
            Err(e) => {
                let e = e.downcast::<ContractError>().expect("contract error");
                assert_eq!(e, ContractError::NoRecipients {});
            }
        },
        2 => {
            let amount = rng.amount(6);
            let (j, sr) = (
                s.tranche(Tranche::Junior).assets,
                s.tranche(Tranche::Senior).assets,
            );
            let r = s.cover("liquidator", amount).expect("cover");
            assert_eq!((r.covered + r.uncovered).u128(), amount);
            assert_eq!(r.junior_paid, j.min(amount.into()), "junior first");
            assert!(r.senior_paid.is_zero() || r.junior_paid == j);
            assert!(r.uncovered.is_zero() || r.senior_paid == sr);
            done.covers += 1;
            done.uncovered += u32::from(!r.uncovered.is_zero());
        }
        3 => {
            let (h, t) = (rng.holder(), rng.tranche());
            let held = s.shares(h, t).u128();
            if held > 0 {
                s.request(h, t, 1 + rng.next() as u128 % held)
                    .expect("request");
                done.requests += 1;
            }
        }
        4 | 5 => {
            let pending = s.pending(None, None, Some(30));
            if pending.is_empty() {
                return;
            }
            let w = &pending[rng.below(pending.len() as u64) as usize];
            let owner = HOLDERS
                .iter()
                .find(|h| s.addr(h).to_string() == w.owner)
                .unwrap();
            if rng.below(4) == 0 {
                s.exec(owner, &ExecuteMsg::CancelWithdraw { id: w.id }, &[])
                    .expect("cancel");
                done.cancels += 1;
            } else if s.now() > w.expires_at {
                assert!(matches!(
                    s.withdraw(owner, w.id)
                        .unwrap_err()
                        .downcast::<ContractError>(),
                    Ok(ContractError::RequestExpired { .. })
                ));
            } else if s.now() >= w.unlock_at {
                let before = s.user_usdc(owner);
                s.withdraw(owner, w.id).expect("withdraw");
                assert_eq!(s.user_usdc(owner) - before, w.value, "pays the quoted NAV");
                done.withdrawals += 1;
            } else {
                assert!(matches!(
                    s.withdraw(owner, w.id)
                        .unwrap_err()
                        .downcast::<ContractError>(),
                    Ok(ContractError::CooldownNotOver { .. })
                ));
                done.early += 1;
            }
        }
        _ => s.advance(rng.below(COOLDOWN)),
    }
}

#[test]
fn inv_random_sequences_conserve_and_price_shares_fairly() {
    let mut done = Done::default();
    for seed in 1..=4u64 {
        let mut s = Suite::new();
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for _ in 0..120 {
            step(&mut s, &mut rng, &mut done);
            s.assert_conserved();
            assert_shares_priced_fairly(&s);
        }
        // Everybody leaves: open requests are paid (expired ones cancelled, their shares
        // requested again below), then every holder exits.
        s.advance(COOLDOWN);
        for w in s.pending(None, None, Some(30)) {
            let owner = *HOLDERS
                .iter()
                .find(|h| s.addr(h).to_string() == w.owner)
                .unwrap();
            if s.now() > w.expires_at {
                s.exec(owner, &ExecuteMsg::CancelWithdraw { id: w.id }, &[])
                    .expect("cancel");
            } else {
                s.withdraw(owner, w.id).expect("withdraw");
            }
        }
        assert!(
            s.pending(None, None, None).is_empty(),
            "fewer than 30 requests left open"
        );
        // The price of a share before the last one out leaves, per tranche.
        let mut last_price = [Uint128::zero(); 2];
        for h in HOLDERS {
            for (i, t) in Tranche::ALL.into_iter().enumerate() {
                let held = s.shares(h, t).u128();
                if held > 0 {
                    let id = s.request(h, t, held).unwrap();
                    s.advance(COOLDOWN);
                    let tr = s.tranche(t);
                    last_price[i] = (tr.assets + Uint128::one())
                        .checked_div(tr.supply + Uint128::one())
                        .unwrap();
                    s.withdraw(h, id).unwrap();
                }
            }
        }
        // What stays is the virtual share's part: less than one share at the last price
        // (the last exit pays supply × (assets + 1) / (supply + 1), rounded down).
        let mut left = Uint128::zero();
        for (i, t) in s.snapshot().tranches.into_iter().enumerate() {
            assert_eq!(t.supply, Uint128::zero(), "seed {seed}: {t:?}");
            assert!(
                t.assets <= last_price[i],
                "seed {seed}: {} left > {}",
                t.assets,
                last_price[i]
            );
            left += t.assets;
        }
        assert_eq!(
            s.usdc(&s.pool),
            left,
            "seed {seed}: only the virtual shares' part"
        );
        s.assert_conserved();
    }
    let every = [
        done.deposits,
        done.zero_shares,
        done.revenues,
        done.covers,
        done.uncovered,
        done.requests,
        done.withdrawals,
        done.cancels,
        done.early,
    ];
    assert!(
        every.iter().all(|n| *n > 0),
        "every path exercised: {done:?}"
    );
}
