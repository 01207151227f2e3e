use ballast_risk::vol::{log_return, EwmaParams, Moments};
use ballast_testing::{dec, Suite};
use cosmwasm_std::SignedDecimal;

fn params() -> EwmaParams {
    let d = |s: &str| s.parse::<SignedDecimal>().unwrap();
    EwmaParams {
        lambda_fast: d("0.96"),
        lambda_slow: d("0.99"),
        period_secs: 3600,
    }
}

/// Prices pushed hourly by every feeder.
fn feed(s: &mut Suite, prices: &[&str]) {
    for p in prices {
        s.advance(3600);
        s.push_all("BTC", p);
    }
}

#[test]
fn hourly_prices_give_the_engine_estimator_volatility() {
    let mut s = Suite::with_assets(&["BTC"]);
    let path = [
        "100", "101", "99.5", "100.2", "102", "101.1", "100.4", "103", "102.5", "101.9",
    ];
    feed(&mut s, &path);
    // The same returns through the engine's estimator directly.
    let mut m = Moments::default();
    for w in path.windows(2) {
        let r = log_return(w[0].parse().unwrap(), w[1].parse().unwrap()).unwrap();
        m.update(&params(), r, None).unwrap();
    }
    let want = m.estimate(&params(), &m).unwrap();
    let got = s.volatility("BTC").unwrap();
    assert_eq!(got.samples, (path.len() - 1) as u32);
    assert_eq!((got.vol, got.slow_vol), (want.vol, want.slow_vol));
    assert!(
        got.vol > SignedDecimal::percent(10),
        "hourly moves of ~1 % are ~90 % a year: {}",
        got.vol
    );
}

#[test]
fn a_crash_raises_volatility_and_updates_within_a_period_do_not_resample() {
    let mut s = Suite::with_assets(&["BTC"]);
    feed(&mut s, &["100", "100.1", "100", "100.1", "100"]);
    let calm = s.volatility("BTC").unwrap();
    // Pushes every 10 minutes inside one period: one sample, not six.
    for i in 0..5 {
        s.advance(600);
        s.push_all("BTC", if i % 2 == 0 { "100.05" } else { "100" });
    }
    assert_eq!(s.volatility("BTC").unwrap().samples, calm.samples);
    // A 30 % crash confirmed by all feeders in one update.
    s.advance(3600);
    s.push_all("BTC", "70");
    assert_eq!(s.price("BTC").unwrap().price, dec("70"));
    let after = s.volatility("BTC").unwrap();
    assert_eq!(after.samples, calm.samples + 1);
    assert!(
        after.vol > calm.vol * SignedDecimal::percent(500),
        "{} vs {}",
        after.vol,
        calm.vol
    );
    assert!(after.vol >= after.slow_vol);
}

#[test]
fn beta_and_residual_against_the_reference() {
    let mut s = Suite::with_assets(&["BTC", "ETH", "ATOM"]);
    let owner = s.owner.clone();
    let set = |asset: Option<&str>| ballast_types::oracle::ExecuteMsg::SetReference {
        asset: asset.map(str::to_string),
    };
    // Only a listed asset, only by the owner.
    let mallory = s.app.api().addr_make("mallory");
    assert!(s.oracle_exec(&mallory, &set(Some("BTC"))).is_err());
    assert!(s.oracle_exec(&owner, &set(Some("SOL"))).is_err());
    s.oracle_exec(&owner, &set(Some("BTC"))).unwrap();
    // ETH's log returns are exactly twice BTC's (ETH = BTC² / 100); ATOM moves on its own.
    let btc = [
        100.0f64, 101.0, 99.0, 100.5, 102.0, 100.0, 98.5, 99.5, 101.5, 100.0, 103.0, 101.0,
    ];
    let atom = [
        10.0f64, 10.1, 10.1, 9.9, 10.2, 10.0, 10.3, 10.1, 9.8, 10.0, 10.1, 9.9,
    ];
    for (b, a) in btc.iter().zip(atom) {
        s.advance(3600);
        s.push_all("BTC", &format!("{b:.6}"));
        s.push_all("ETH", &format!("{:.6}", b * b / 100.0));
        s.push_all("ATOM", &format!("{a:.6}"));
    }
    let close = |x: SignedDecimal, want: &str, tol: &str| {
        let w: SignedDecimal = want.parse().unwrap();
        let t: SignedDecimal = tol.parse().unwrap();
        assert!(
            (x - w).abs_diff(SignedDecimal::zero()) <= t.abs_diff(SignedDecimal::zero()),
            "{x} vs {want}"
        );
    };
    let b = s.volatility("BTC").unwrap();
    assert_eq!(
        (b.beta, b.resid_vol),
        (SignedDecimal::one(), SignedDecimal::zero())
    );
    let e = s.volatility("ETH").unwrap();
    close(e.beta, "2", "0.001");
    assert!(
        e.resid_vol < e.vol * SignedDecimal::percent(2),
        "resid {} vol {}",
        e.resid_vol,
        e.vol
    );
    let a = s.volatility("ATOM").unwrap();
    assert!(
        a.resid_vol > a.vol * SignedDecimal::percent(50),
        "ATOM is mostly idiosyncratic"
    );
    // Without a reference every asset is all residual.
    s.oracle_exec(&owner, &set(None)).unwrap();
    let e = s.volatility("ETH").unwrap();
    assert_eq!((e.beta, e.resid_vol), (SignedDecimal::zero(), e.vol));
}

#[test]
fn a_prior_volatility_is_blended_with_returns_not_replaced_by_the_first() {
    // Two oracles see the same first hour: a 6.7 % drop.
    let run = |prior: Option<&str>| {
        let mut s = Suite::with_assets(&["BTC"]);
        let mut config = ballast_testing::asset_config(&s.feeders);
        config.initial_vol = prior.map(dec);
        s.set_asset("BTC", config).unwrap();
        feed(&mut s, &["100"]);
        let at_start = s.volatility("BTC").unwrap().vol;
        feed(&mut s, &["93.3"]);
        (at_start, s.volatility("BTC").unwrap().vol)
    };
    let (start_none, seeded) = run(None);
    let (start_prior, blended) = run(Some("0.6"));
    // With a prior the query answers it from the first price on.
    assert_eq!(start_none, SignedDecimal::zero());
    assert!(
        (start_prior - SignedDecimal::percent(60)).abs_diff(SignedDecimal::zero())
            < "0.000001".parse().unwrap(),
        "{start_prior}"
    );
    // Without it, one hourly return is the whole estimate: |ln 0.933|·√8766 ≈ 6.5.
    assert!(seeded > SignedDecimal::percent(600), "{seeded}");
    // With it: √(0.96·0.6²/8766 + 0.04·0.0693²)·√8766 ≈ 1.425 — high, not absurd.
    let expected: SignedDecimal = "1.425".parse().unwrap();
    assert!(
        blended.abs_diff(expected) < "0.005".parse().unwrap(),
        "{blended}"
    );
    // The same numbers as the engine's estimator started from the same prior.
    let mut m = Moments::with_prior("0.6".parse().unwrap(), 3600).unwrap();
    let r = log_return("100".parse().unwrap(), "93.3".parse().unwrap()).unwrap();
    m.update(&params(), r, None).unwrap();
    assert_eq!(m.estimate(&params(), &m).unwrap().vol, blended);
}
