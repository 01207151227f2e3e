//! Attacks on the oracle, each named after the attacker's choice it tries
//! (../shared/RELIABILITY.md, "The attacker's choices"). Feeder 1 is the liar throughout.

use ballast_oracle::error::ContractError;
use ballast_oracle::execute::push::max_price;
use ballast_testing::{attribute, dec, AnyResult, Suite};
use ballast_types::oracle::{ExecuteMsg, FeederSubmission, QueryMsg, Submission};
use cosmwasm_std::{coin, Coin, Decimal, SignedDecimal};
use cw_multi_test::{AppResponse, Executor};

use crate::contract_err;

const LIAR: usize = 1;

fn submissions(s: &Suite) -> Vec<FeederSubmission> {
    s.oracle_query(&QueryMsg::Submissions {
        asset: "BTC".into(),
    })
    .unwrap()
}

/// Feeder `i` pushes `price` (any decimal, not only a literal) for BTC, published now.
fn push_dec(s: &mut Suite, i: usize, price: Decimal) -> AnyResult<AppResponse> {
    let msg = ExecuteMsg::Push {
        submissions: vec![Submission {
            asset: "BTC".into(),
            price,
            publish_time: s.now(),
        }],
    };
    let feeder = s.feeders[i].clone();
    s.oracle_exec(&feeder, &msg)
}

fn result(r: &AppResponse) -> String {
    attribute(r, "result").expect("an oracle_update event")
}

#[test]
fn adv_04_one_feeder_cannot_freeze_the_median() {
    let mut s = Suite::with_assets(&["BTC"]);
    s.push_all("BTC", "60000");
    s.advance(1);
    let before = (submissions(&s), s.price("BTC").unwrap());

    // Decimal::MAX itself: a clear error for that feeder only, nothing stored.
    assert_eq!(
        contract_err(push_dec(&mut s, LIAR, Decimal::MAX)),
        ContractError::PriceOutOfRange {
            asset: "BTC".into(),
            price: Decimal::MAX.to_string(),
            max: max_price().to_string(),
        }
    );
    assert_eq!((submissions(&s), s.price("BTC").unwrap()), before);

    // The largest price it may send goes through the median's arithmetic: no panic, and
    // the median of three ignores it.
    let r = push_dec(&mut s, LIAR, max_price()).unwrap();
    assert_eq!(result(&r), "accepted");
    assert_eq!(s.price("BTC").unwrap().price, dec("60000"));
    for i in [0, 2] {
        s.push(i, "BTC", "60100").unwrap();
    }
    assert_eq!(s.price("BTC").unwrap().price, dec("60100"));

    // Even count (feeder 2's price goes stale): the mean of the middle two with the liar's
    // near-maximal price — the sum a + b would overflow. No panic, no agreement, nothing
    // accepted; the honest push still succeeds.
    s.advance(61);
    let r = push_dec(&mut s, LIAR, max_price()).unwrap();
    assert_eq!(result(&r), "no_quorum");
    let r = s.push(0, "BTC", "60000").unwrap();
    assert_eq!(result(&r), "no_agreement");
    assert_eq!(
        attribute(&r, "median").unwrap(),
        // ⌊(a + b)/2⌋ at 10⁻¹⁸: 60000·10¹⁸ is even, so it is a/2 + ⌊b/2⌋.
        Decimal::raw(dec("60000").atomics().u128() / 2 + max_price().atomics().u128() / 2)
            .to_string()
    );
    assert!(
        s.price("BTC").unwrap_err().to_string().contains("is stale"),
        "the old price is stale, never served as fresh"
    );
    // The third feeder comes back: the median is honest again and accepted at once.
    let r = s.push(2, "BTC", "60000").unwrap();
    assert_eq!(result(&r), "accepted");
    let p = s.price("BTC").unwrap();
    assert_eq!((p.price, p.publish_time), (dec("60000"), s.now()));
    assert_eq!(s.volatility("BTC").unwrap().samples, 0, "within one period");

    // Every feeder really agrees on an extreme price: accepted, and the volatility
    // sampler's log return of a ×10¹⁵ move is bounded (counted as ×10⁶), not a failure.
    s.advance(3600);
    for i in 0..3 {
        push_dec(&mut s, i, max_price()).unwrap();
    }
    assert_eq!(s.price("BTC").unwrap().price, max_price());
    s.advance(3600);
    s.push_all("BTC", "60000");
    assert_eq!(s.price("BTC").unwrap().price, dec("60000"));
    let v = s.volatility("BTC").unwrap();
    assert_eq!(v.samples, 2);
    assert!(
        v.vol > SignedDecimal::percent(10_000),
        "absurd, not failed: {}",
        v.vol
    );
}

#[test]
fn adv_06_a_jump_needs_other_feeders_to_confirm() {
    // Three feeders, quorum 2, 10 % jump bound, 3 confirmations at once. Feeder 2 is offline
    // after the first round; feeder 0 is honest.
    let mut s = Suite::with_assets(&["BTC"]);
    s.push_all("BTC", "60000");
    s.advance(30);
    s.push(0, "BTC", "60000").unwrap();
    s.push(LIAR, "BTC", "60000").unwrap();
    s.advance(31); // feeder 2's last price is now stale
    s.push(0, "BTC", "60000").unwrap();
    let honest = s.price("BTC").unwrap();
    assert_eq!(honest.price, dec("60000"));

    // The liar's 120,000 makes the median 90,000, which neither live feeder's price
    // supports: not accepted, not even held as a jump to confirm.
    let r = s.push(LIAR, "BTC", "120000").unwrap();
    assert_eq!(
        (
            result(&r),
            attribute(&r, "median"),
            attribute(&r, "support")
        ),
        (
            "no_agreement".into(),
            Some("90000".into()),
            Some("0".into())
        )
    );
    assert_eq!(s.price("BTC").unwrap(), honest, "nothing else changed");
    // Later blocks: neither the liar again nor the honest feeder confirms it.
    for (i, price) in [
        (LIAR, "120000"),
        (0, "60000"),
        (LIAR, "120000"),
        (0, "60000"),
    ] {
        s.advance(1);
        let r = s.push(i, "BTC", price).unwrap();
        assert_eq!(result(&r), "no_agreement");
        assert_eq!(s.price("BTC").unwrap(), honest, "never 90,000");
    }

    // A real move: both live feeders agree on a 30 % crash. Two is below the 3 that
    // confirm at once, so it is held; the next block's push confirms it (two distinct
    // feeders within the bound of the median).
    s.advance(1);
    s.push(0, "BTC", "42000").unwrap();
    let r = s.push(LIAR, "BTC", "42000").unwrap();
    assert_eq!(
        (result(&r), attribute(&r, "support")),
        ("jump_held".into(), Some("2".into()))
    );
    assert!(s
        .price("BTC")
        .unwrap_err()
        .to_string()
        .contains("held until confirmed"));
    s.advance(1);
    let r = s.push(0, "BTC", "42000").unwrap();
    assert_eq!(
        (result(&r), attribute(&r, "how")),
        ("accepted".into(), Some("confirmed_by_later_update".into()))
    );
    assert_eq!(s.price("BTC").unwrap().price, dec("42000"));
}

#[test]
fn adv_06_a_lone_feeder_never_confirms_its_own_jump_in_a_later_block() {
    // Quorum 1: one feeder alone makes a median, but a jump still needs a second one.
    let mut s = Suite::new();
    let mut config = ballast_testing::asset_config(&s.feeders);
    config.quorum = 1;
    config.confirmations = 1;
    s.set_asset("BTC", config.clone()).unwrap();
    s.push_all("BTC", "60000");
    config.confirmations = 4; // above the feeders: only a later update confirms
    s.set_asset("BTC", config).unwrap();
    s.advance(61);
    let r = s.push(LIAR, "BTC", "90000").unwrap();
    assert_eq!(result(&r), "jump_held");
    for _ in 0..3 {
        s.advance(1);
        let r = s.push(LIAR, "BTC", "90000").unwrap();
        assert_eq!(
            result(&r),
            "jump_held",
            "its own later push is no confirmation"
        );
    }
    assert!(s.price("BTC").is_err());
    // A second feeder agreeing, in a later block than the jump was seen, confirms it.
    s.push(0, "BTC", "89000").unwrap();
    assert_eq!(s.price("BTC").unwrap().price, dec("89500"));
}

#[test]
fn adv_06_the_liar_cannot_walk_the_price_step_by_step() {
    // Each step is within the 10 % bound of the last accepted price; the honest feeder's
    // 60,000 must lie within the bound of every accepted median, so the liar's bias stops
    // at 60,000 / 0.9 ≈ 66,667 whatever it pushes, and it cannot walk further.
    let mut s = Suite::with_assets(&["BTC"]);
    s.push_all("BTC", "60000");
    s.advance(61);
    s.push(0, "BTC", "60000").unwrap();
    let cap = dec("66666.666666666666666667");
    for step in 1..=20u32 {
        s.advance(1);
        let last = s.price("BTC").map(|p| p.price).unwrap_or(dec("60000"));
        // Aim for +10 % of the last accepted price: the mean is last · 1.1.
        let aim = last * dec("2.2") - dec("60000");
        let r = push_dec(&mut s, LIAR, aim).unwrap();
        s.push(0, "BTC", "60000").unwrap();
        if let Ok(p) = s.price("BTC") {
            assert!(p.price <= cap, "step {step}: {} ({})", p.price, result(&r));
        }
    }
}

#[test]
fn adv_13_oracle_refuses_attached_funds() {
    let mut s = Suite::with_assets(&["BTC"]);
    let feeder = s.feeders[0].clone();
    let funds = vec![coin(5, "uatom"), coin(7, "ubtc")];
    s.app
        .init_modules(|router, _, storage| router.bank.init_balance(storage, &feeder, funds))
        .unwrap();
    let balances = |s: &Suite| -> Vec<Coin> {
        let bank = s.app.wrap();
        let mut all = vec![];
        for who in [&s.feeders[0], &s.oracle] {
            for denom in ["uatom", "ubtc"] {
                all.push(bank.query_balance(who, denom).unwrap());
            }
        }
        all
    };
    let before = balances(&s);
    assert_eq!(
        before[0],
        coin(5, "uatom"),
        "the feeder holds what it attaches"
    );
    let msg = ExecuteMsg::Push {
        submissions: vec![Submission {
            asset: "BTC".into(),
            price: dec("60000"),
            publish_time: s.now(),
        }],
    };
    let oracle = s.oracle.clone();
    let err = s
        .app
        .execute_contract(feeder.clone(), oracle.clone(), &msg, &[coin(5, "uatom")])
        .unwrap_err();
    assert_eq!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::FundsAttached {
            funds: "5uatom".into()
        }
    );
    assert_eq!(balances(&s), before, "no coin moved");
    assert!(submissions(&s).is_empty(), "nothing stored");
    // The same message without coins is a valid push.
    s.app.execute_contract(feeder, oracle, &msg, &[]).unwrap();
    assert_eq!(submissions(&s).len(), 1);
}
