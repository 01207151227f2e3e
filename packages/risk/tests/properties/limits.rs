//! Limits of "margin never decreases when volatility rises", pinned.

use super::*;

// Each asserts the property or the correct behaviour. Those that hold are regression tests
// of fixes (the ±R_u cap follows β·R_ref; the size add-on uses the full notional; ratios
// saturate instead of overflowing). The `#[ignore]`d ones are option books where marking at
// model volatility makes MM fall when volatility rises while R sits on its floor or the
// premium saturates: a limit of the model, kept visible; run them with `-- --ignored`.
// ---------------------------------------------------------------------------------------

/// `size` of the option of market 2 (premium paid in cash), $100k of settlement.
pub(crate) fn option_book(size: &str) -> Account {
    Account {
        settlement: d("100000"),
        collateral: vec![],
        positions: vec![Position {
            market: 2,
            size: d(size),
            entry_price: zero(),
        }],
    }
}

pub(crate) fn with_option(
    mut ctx: RiskContext,
    strike: &str,
    kind: OptionKind,
    days: u64,
) -> RiskContext {
    ctx.markets[2].instrument = Instrument::Option {
        expiry: NOW + days * DAY,
        strike: d(strike),
        kind,
    };
    ctx
}

/// MM before and after every volatility of `ctx` is multiplied by `k`.
pub(crate) fn mm_before_after(
    acct: &Account,
    ctx: &RiskContext,
    mode: MarginMode,
    k: f64,
) -> (SignedDecimal, SignedDecimal) {
    let before = report(acct, ctx, mode.clone()).maintenance_margin;
    let after = report(acct, &raise_vols(ctx, k), mode).maintenance_margin;
    (before, after)
}

pub(crate) fn assert_not_lower(what: &str, (before, after): (SignedDecimal, SignedDecimal)) {
    assert!(
        after >= before,
        "{what}: MM fell from {before} to {after} when volatility rose"
    );
}

#[test]
pub(crate) fn vol_rise_keeps_portfolio_mm_of_a_pair_whose_short_leg_is_floored() {
    // Long 8 BTC ($480k, σ 0.4), short 330 ETH ($990k, σ 0.05 → R on its 3 % floor, β 1.13).
    // Worst scenario: ETH +3 % (capped at R_ETH) while BTC rises f·R_BTC; with vols × 1.5
    // the BTC leg's gain grows and the capped ETH loss does not: 23,174.74 → 19,912.11.
    let mut ctx = btc_eth_context(d("0.4"), d("0.05"), 0.0);
    ctx.underlyings[1].resid_vol = d("0.1");
    let acct = Account {
        settlement: d("100000"),
        collateral: vec![],
        positions: vec![perp_position(0, "8"), perp_position(1, "-330")],
    };
    assert_not_lower(
        "BTC/ETH pair",
        mm_before_after(&acct, &ctx, MarginMode::Portfolio, 1.5),
    );
}

#[test]
#[ignore = "model limit: Portfolio MM of a long option falls when vol rises while R stays on its range floor"]
pub(crate) fn vol_rise_lowers_portfolio_mm_of_a_long_option_while_the_range_is_floored() {
    // σ 0.2 → 0.28: R = max(3 %, 6.75·σ·√(2h)) stays 3 %, so the moves do not grow while the
    // option's time value after the adverse move does. Long 10 BTC 63,000 puts, 7 days:
    // 16,796.42 → 16,025.91.
    let ctx = with_option(
        btc_eth_context(d("0.2"), d("0.8"), 0.0),
        "63000",
        OptionKind::Put,
        7,
    );
    assert_not_lower(
        "long ITM put",
        mm_before_after(&option_book("10"), &ctx, MarginMode::Portfolio, 1.4),
    );
}

#[test]
#[ignore = "model limit: Portfolio MM of a short option falls when vol rises while R stays on its range floor"]
pub(crate) fn vol_rise_lowers_portfolio_mm_of_a_short_option_while_the_range_is_floored() {
    // Short 10 BTC 60,000 puts, 2 days, σ 0.1 → 0.14 (R stays on its 3 % floor): the premium
    // collected grows faster than the repriced put after a 3 % fall: 16,328.82 → 16,038.44.
    let ctx = with_option(
        btc_eth_context(d("0.1"), d("0.8"), 0.0),
        "60000",
        OptionKind::Put,
        2,
    );
    assert_not_lower(
        "short ATM put",
        mm_before_after(&option_book("-10"), &ctx, MarginMode::Portfolio, 1.4),
    );
}

#[test]
#[ignore = "model limit: Portfolio MM of a short option falls when vol rises at high σ√τ (premium saturates)"]
pub(crate) fn vol_rise_lowers_portfolio_mm_of_a_short_option_at_high_vol() {
    // Short 10 BTC 63,000 puts, 180 days, σ 2.0 → 2.8 (σ√τ 1.4 → 2.0; the vol-up state with
    // vol_jump 0.9 reaches σ√τ ≈ 5 at the extreme moves): 224,900.64 → 182,291.21.
    let ctx = with_option(
        btc_eth_context(d("2"), d("0.8"), 0.0),
        "63000",
        OptionKind::Put,
        180,
    );
    assert_not_lower(
        "short put, high vol",
        mm_before_after(&option_book("-10"), &ctx, MarginMode::Portfolio, 1.4),
    );
}

#[test]
pub(crate) fn vol_rise_keeps_cross_mm_of_a_short_itm_option_with_a_size_addon() {
    // Short 80 BTC 48,000 calls, 7 days, σ 0.6 → 0.9, impact 2 %, depth $1M: |Δ| falls, so
    // does the add-on (209,321 → 200,335), by more than the mark rises:
    // 1,529,715.92 → 1,528,135.15.
    let mut ctx = with_option(
        btc_eth_context(d("0.6"), d("0.8"), 0.02),
        "48000",
        OptionKind::Call,
        7,
    );
    for m in &mut ctx.markets {
        m.depth = d("1000000");
    }
    assert_not_lower(
        "short ITM call",
        mm_before_after(&option_book("-80"), &ctx, MarginMode::Cross, 1.5),
    );
}

#[test]

pub(crate) fn dust_position_is_not_an_overflow_error() {
    // A 1e-18 BTC position next to $1M of settlement: MM ≈ 2e-15, equity ÷ MM ≈ 5e20 >
    // SignedDecimal::MAX, and margin() fails with Overflow { context: "money div" } in every
    // mode (also hit by long deep out-of-the-money options whose MM is a few atoms).
    let ctx = btc_eth_context(d("0.6"), d("0.8"), 0.01);
    let acct = Account {
        settlement: d("1000000"),
        collateral: vec![],
        positions: vec![Position {
            market: 0,
            size: SignedDecimal::raw(1),
            entry_price: d("60000"),
        }],
    };
    for mode in [
        MarginMode::Cross,
        MarginMode::Portfolio,
        MarginMode::Isolated { market: 0 },
    ] {
        let got = margin(&acct, &ctx, &mode);
        assert!(got.is_ok(), "{mode:?}: {got:?}");
    }
}

#[test]

pub(crate) fn dust_settlement_is_not_an_overflow_error() {
    // Long 1 BTC perp with 1e-18 of settlement: an account to liquidate, but gross ÷
    // collateral = 6e22 > SignedDecimal::MAX and margin() fails, so it cannot be margined.
    let ctx = btc_eth_context(d("0.6"), d("0.8"), 0.01);
    let acct = Account {
        settlement: SignedDecimal::raw(1),
        collateral: vec![],
        positions: vec![perp_position(0, "1")],
    };
    for mode in [MarginMode::Cross, MarginMode::Portfolio] {
        let got = margin(&acct, &ctx, &mode);
        assert!(got.is_ok(), "{mode:?}: {got:?}");
        let r = got.unwrap();
        assert!(
            r.equity < r.maintenance_margin,
            "the account is liquidatable"
        );
    }
}
