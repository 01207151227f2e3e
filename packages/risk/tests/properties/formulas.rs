//! Margins re-derived by hand from the formulas, in `f64`.

use super::*;

// Hand-computed figures
// ---------------------------------------------------------------------------------------

const H: u64 = 7200;

pub(crate) fn btc_eth_context(
    vol_btc: SignedDecimal,
    vol_eth: SignedDecimal,
    impact: f64,
) -> RiskContext {
    let und = |name: &str, price: &str, vol: SignedDecimal, beta: &str, resid: &str| Underlying {
        name: name.into(),
        price: d(price),
        vol,
        option_vol: vol,
        beta: d(beta),
        resid_vol: d(resid),
        range_floor: d("0.03"),
        resid_floor: d("0.02"),
        vol_up: d("0.25"),
        vol_jump: d("0.9"),
        vol_down: d("0.20"),
    };
    let linear = |u: usize, instrument: Instrument| Market {
        underlying: u,
        instrument,
        initial: Fractions {
            base: d("0.05"),
            option_a: d("0.15"),
            option_b: d("0.10"),
        },
        maintenance: Fractions {
            base: d("0.03"),
            option_a: d("0.075"),
            option_b: d("0.075"),
        },
        depth: d("50000000"),
        impact: dec(impact),
        floor: d("0.005"),
    };
    RiskContext {
        underlyings: vec![
            und("BTC", "60000", vol_btc, "1", "0"),
            und("ETH", "3000", vol_eth, "1.13", "0.42"),
        ],
        markets: vec![
            linear(0, Instrument::Perp),
            linear(1, Instrument::Perp),
            linear(
                0,
                Instrument::Option {
                    expiry: NOW + 30 * DAY,
                    strike: d("66000"),
                    kind: OptionKind::Call,
                },
            ),
        ],
        collaterals: vec![],
        params: RiskParams {
            z: d("6.75"),
            horizon_secs: H,
            im_multiplier: d("1.25"),
            extreme_multiple: d("2"),
            extreme_weight: d("0.35"),
            stress: d("1.25"),
            reference: Some(0),
            max_vol: d("5"),
            now: NOW,
        },
    }
}

pub(crate) fn perp_position(market: usize, size: &str) -> Position {
    Position {
        market,
        size: d(size),
        entry_price: if market == 0 { d("60000") } else { d("3000") },
    }
}

pub(crate) fn sqrt_h() -> f64 {
    (H as f64 / YEAR_SECS as f64).sqrt()
}

/// R = max(range_floor, z·σ·√h).
pub(crate) fn range(floor: f64, sigma: f64) -> f64 {
    floor.max(6.75 * sigma * sqrt_h())
}

pub(crate) fn liquidity(n: f64, impact: f64) -> f64 {
    n * impact * (n / 50e6).sqrt()
}

pub(crate) fn assert_close(what: &str, got: SignedDecimal, want: f64, tol: f64) {
    assert!(
        close(f(got), want, tol),
        "{what}: engine {got}, formula {want} (rel. error {:e})",
        (f(got) - want).abs() / want.abs().max(1.0)
    );
}

#[test]
pub(crate) fn long_btc_perp_portfolio_margin_matches_formula() {
    for (sigma, impact) in [("0.6", 0.01), ("0.2", 0.01), ("1.5", 0.0)] {
        let ctx = btc_eth_context(d(sigma), d("0.8"), impact);
        let acct = Account {
            settlement: d("200000"),
            collateral: vec![],
            positions: vec![perp_position(0, "16.5")],
        };
        let r = report(&acct, &ctx, MarginMode::Portfolio);
        let n = 16.5 * 60_000.0;
        let big_r = range(0.03, sigma.parse().unwrap());
        // Core −R at weight 1 against the extreme −2R at weight 0.35.
        let worst = n * big_r.max(0.35 * 2.0 * big_r);
        let liq = liquidity(n, impact);
        let mm = (worst + liq).max(0.005 * n);
        assert_close("worst loss", worst_loss(&r), worst, 1e-9);
        assert_close("liquidity add-on", r.liquidity_addon, liq, 1e-9);
        assert_close("MM", r.maintenance_margin, mm, 1e-9);
        assert_close("IM", r.initial_margin, 1.25 * mm, 1e-9);
        assert_eq!(r.floor, d("4950"), "floor = 0.5 % of $990,000");
        assert_eq!(r.equity, d("200000"));
        let sc = r.worst_scenario.unwrap();
        assert_eq!(sc.weight, d("1"));
        assert!(
            close(f(sc.moves[0].1), -big_r, 1e-9),
            "worst move {:?}",
            sc.moves
        );

        // Cross: |N|·max(base, R) + add-on against the own worst loss + add-on; IM with the
        // initial base and 1.25·R.
        let c = report(&acct, &ctx, MarginMode::Cross);
        let mm_c = (n * 0.03f64.max(big_r) + liq)
            .max(worst + liq)
            .max(0.005 * n);
        let im_c = (n * 0.05f64.max(1.25 * big_r) + 1.25 * liq)
            .max(1.25 * (worst + liq))
            .max(1.25 * 0.005 * n);
        assert_close("cross MM", c.maintenance_margin, mm_c, 1e-9);
        assert_close("cross IM", c.initial_margin, im_c, 1e-9);
    }
}

#[test]
pub(crate) fn btc_eth_pair_portfolio_margin_matches_formula() {
    // Long $990k BTC, short $990k ETH (β 1.13, residual σ 42 %).
    let ctx = btc_eth_context(d("0.6"), d("0.8"), 0.01);
    let acct = Account {
        settlement: d("200000"),
        collateral: vec![],
        positions: vec![perp_position(0, "16.5"), perp_position(1, "-330")],
    };
    let r = report(&acct, &ctx, MarginMode::Portfolio);
    let n = 990_000.0;
    let r_btc = range(0.03, 0.6);
    let r_eth = range(0.03, 0.8);
    // The engine makes the residual coherent: at least what β leaves unexplained,
    // √(0.8² − (1.13·0.6)²) ≈ 0.4247 > 0.42.
    let resid = 0.42f64.max((0.8f64 * 0.8 - (1.13f64 * 0.6).powi(2)).sqrt());
    let dd = 0.02f64.max(1.25 * 6.75 * resid * sqrt_h());
    let points = [
        (-2.0, 0.35),
        (-1.0, 1.0),
        (-2.0 / 3.0, 1.0),
        (-1.0 / 3.0, 1.0),
        (0.0, 1.0),
        (1.0 / 3.0, 1.0),
        (2.0 / 3.0, 1.0),
        (1.0, 1.0),
        (2.0, 0.35),
    ];
    let mut worst = f64::MIN;
    for (j, (frac, w)) in points.iter().enumerate() {
        let cap = if j == 0 || j == 8 { 2.0 * r_eth } else { r_eth };
        let btc_move = frac * r_btc;
        // Short ETH loses most at the top of its band: β·F + D, capped.
        let eth_move = (1.13 * btc_move + dd).clamp(-cap, cap);
        let loss = -n * btc_move + n * eth_move;
        worst = worst.max(w * loss);
    }
    let liq = 2.0 * liquidity(n, 0.01);
    assert_close("pair worst loss", worst_loss(&r), worst, 1e-9);
    assert_close(
        "pair MM",
        r.maintenance_margin,
        (worst + liq).max(0.01 * n),
        1e-9,
    );
    // Each leg alone needs at least its own R: the pair is cheaper than cross.
    let c = report(&acct, &ctx, MarginMode::Cross);
    assert!(r.maintenance_margin < c.maintenance_margin);
}

/// N(x) by Simpson's rule on [−12, x] (test reference, ~1e-13).
pub(crate) fn norm_cdf(x: f64) -> f64 {
    if x < -12.0 {
        return 0.0;
    }
    let steps = 20_000;
    let a = -12.0;
    let h = (x - a) / steps as f64;
    let pdf = |t: f64| (-t * t / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut s = pdf(a) + pdf(x);
    for i in 1..steps {
        let t = a + i as f64 * h;
        s += if i % 2 == 1 {
            4.0 * pdf(t)
        } else {
            2.0 * pdf(t)
        };
    }
    s * h / 3.0
}

/// Black-76 call (zero rates): (price, delta).
pub(crate) fn call(spot: f64, strike: f64, sigma: f64, tau: f64) -> (f64, f64) {
    let s = sigma * tau.sqrt();
    let d1 = (spot / strike).ln() / s + s / 2.0;
    let d2 = d1 - s;
    (spot * norm_cdf(d1) - strike * norm_cdf(d2), norm_cdf(d1))
}

#[test]
pub(crate) fn short_btc_call_portfolio_margin_matches_black76_revaluation() {
    // Short 10 BTC 66,000 calls, 30 days, σ 60 %: reprice at every grid point m and
    // volatility state (σ, σ·(1.25 + 0.9·|m|/R), 0.8σ).
    let ctx = btc_eth_context(d("0.6"), d("0.8"), 0.01);
    let acct = Account {
        settlement: d("100000"),
        collateral: vec![],
        positions: vec![Position {
            market: 2,
            size: d("-10"),
            entry_price: zero(),
        }],
    };
    let r = report(&acct, &ctx, MarginMode::Portfolio);
    let (spot, strike, sigma, size) = (60_000.0, 66_000.0, 0.6, 10.0);
    let tau = (30 * DAY) as f64 / YEAR_SECS as f64;
    let (mark, delta) = call(spot, strike, sigma, tau);
    let big_r = range(0.03, sigma);
    let mut worst = f64::MIN;
    for (frac, w) in [
        (-2.0, 0.35),
        (-1.0, 1.0),
        (-2.0 / 3.0, 1.0),
        (-1.0 / 3.0, 1.0),
        (0.0, 1.0),
        (1.0 / 3.0, 1.0),
        (2.0 / 3.0, 1.0),
        (1.0, 1.0),
        (2.0, 0.35),
    ] {
        let up = sigma * (1.25 + 0.9 * (frac * big_r).abs() / big_r);
        for s in [sigma, up, sigma * 0.8] {
            let (v, _) = call(spot * (1.0 + frac * big_r), strike, s, tau);
            worst = worst.max(w * size * (v - mark));
        }
    }
    let n = size * spot;
    let liq = liquidity(n, 0.01);
    let mm = (worst + liq).max(0.005 * n);
    let tol = 1e-9 * n / mm; // 1e-9 of notional (fixed-point Black-76 is ~1e-11 of spot)
    assert_close("short call worst loss", worst_loss(&r), worst, tol);
    assert_close("short call add-on", r.liquidity_addon, liq, 1e-9);
    assert_close("short call delta", r.greeks[0].delta, -size * delta, 1e-9);
    assert_close("short call MM", r.maintenance_margin, mm, tol);
    assert_close("short call equity", r.equity, 100_000.0 - size * mark, 1e-9);
}

// ---------------------------------------------------------------------------------------
