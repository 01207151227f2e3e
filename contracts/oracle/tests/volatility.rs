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
