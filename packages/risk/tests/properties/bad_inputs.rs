//! Bad inputs are typed errors, never panics.

use super::*;

// 8. Bad inputs are errors, never panics
// ---------------------------------------------------------------------------------------

/// Number of corruption kinds of [`corrupt`].
const CORRUPTIONS: usize = 21;

/// Corrupts `ctx` / `acct` so that something the account uses is invalid. `pick` selects a
/// variant, `x` ∈ [0, 1) a magnitude. Returns a description for the failure message.
pub(crate) fn corrupt(
    ctx: &mut RiskContext,
    acct: &mut Account,
    kind: usize,
    pick: usize,
    x: f64,
) -> String {
    let m0 = acct.positions[0].market;
    let u0 = ctx.markets[m0].underlying;
    let n_und = ctx.underlyings.len();
    let big = |x: f64| dec(1.0 + x * 1e6);
    let ensure_asset = |acct: &mut Account| {
        if !acct.collateral.iter().any(|h| h.asset == ASSET) {
            acct.collateral.push(Holding {
                asset: ASSET,
                amount: d("10"),
            });
        }
    };
    match kind {
        0 => {
            let u = if pick.is_multiple_of(2) { u0 } else { 0 };
            ctx.underlyings[u].price = if pick.is_multiple_of(3) {
                zero()
            } else {
                zero() - big(x)
            };
            format!("underlying {u} price {}", ctx.underlyings[u].price)
        }
        1 => {
            let u = if pick.is_multiple_of(2) { u0 } else { 0 };
            let max = ctx.params.max_vol;
            let bad = match pick % 4 {
                0 => zero(),
                1 => zero() - dec(x + 0.01),
                2 => max + SignedDecimal::raw(1),
                _ => max + big(x),
            };
            let und = &mut ctx.underlyings[u];
            if pick % 8 < 4 {
                und.vol = bad;
            } else {
                und.option_vol = bad;
            }
            format!(
                "underlying {u} vol {} option vol {}",
                und.vol, und.option_vol
            )
        }
        2 => {
            let strike = ctx.underlyings[u0].price;
            let expiry = match pick % 4 {
                0 => NOW,
                1 => NOW - 1,
                2 => 0,
                _ => NOW - (x * 1e6) as u64,
            };
            ctx.markets[m0].instrument = Instrument::Option {
                expiry,
                strike,
                kind: if pick.is_multiple_of(2) {
                    OptionKind::Call
                } else {
                    OptionKind::Put
                },
            };
            format!("option expiry {expiry}")
        }
        3 => {
            let expiry = match pick % 3 {
                0 => NOW,
                1 => 0,
                _ => NOW - 1 - (x * 1e6) as u64,
            };
            ctx.markets[m0].instrument = Instrument::Future { expiry };
            format!("future expiry {expiry}")
        }
        4 => {
            ensure_asset(acct);
            ctx.collaterals[ASSET].weight = match pick % 3 {
                0 => zero(),
                1 => d("1") + SignedDecimal::raw(1) + dec(x),
                _ => zero() - dec(x + 0.01),
            };
            format!("collateral weight {}", ctx.collaterals[ASSET].weight)
        }
        5 => {
            ensure_asset(acct);
            ctx.collaterals[ASSET].price = if pick.is_multiple_of(2) {
                zero()
            } else {
                zero() - big(x)
            };
            format!("collateral price {}", ctx.collaterals[ASSET].price)
        }
        6 => {
            let m = &mut ctx.markets[m0];
            m.maintenance.base = if pick.is_multiple_of(2) {
                m.initial.base
            } else {
                (m.initial.base + dec(x * 0.1) + SignedDecimal::raw(1)).min(d("1"))
            };
            if m.maintenance.base >= d("1") {
                m.initial.base = d("0.5");
            }
            format!(
                "maintenance {} initial {}",
                m.maintenance.base, m.initial.base
            )
        }
        7 => {
            let bad = match pick % 3 {
                0 => ctx.markets.len(),
                1 => ctx.markets.len() + (x * 1e3) as usize,
                _ => usize::MAX,
            };
            let i = pick % acct.positions.len();
            acct.positions[i].market = bad;
            format!("position {i} in market {bad}")
        }
        8 => {
            let bad = if pick.is_multiple_of(2) {
                ctx.collaterals.len()
            } else {
                usize::MAX
            };
            acct.collateral.push(Holding {
                asset: bad,
                amount: d("1"),
            });
            format!("holding of collateral {bad}")
        }
        9 => {
            ensure_asset(acct);
            for h in &mut acct.collateral {
                h.amount = zero() - dec(x + 1e-6);
            }
            "negative collateral amount".to_string()
        }
        10 => {
            let bad = if pick.is_multiple_of(2) {
                n_und
            } else {
                usize::MAX
            };
            ctx.markets[m0].underlying = bad;
            format!("market {m0} on underlying {bad}")
        }
        11 => {
            let bad = if pick.is_multiple_of(2) {
                n_und
            } else {
                n_und + (x * 100.0) as usize
            };
            ctx.params.reference = Some(bad);
            format!("reference {bad}")
        }
        12 => {
            let p = &mut ctx.params;
            match pick % 9 {
                0 => p.z = zero(),
                1 => p.z = zero() - dec(x + 0.1),
                2 => p.horizon_secs = 0,
                3 => p.im_multiplier = d("1") - dec(x * 0.9 + 1e-9),
                4 => p.extreme_multiple = d("1") - dec(x * 0.9 + 1e-9),
                5 => p.extreme_weight = zero(),
                6 => p.extreme_weight = d("1") + dec(x + 1e-9),
                7 => p.stress = zero() - dec(x),
                _ => p.max_vol = if x < 0.5 { zero() } else { d("20") + dec(x) },
            }
            format!("params {p:?}")
        }
        13 => {
            ctx.markets[m0].instrument = Instrument::Option {
                expiry: NOW + 30 * DAY,
                strike: if pick.is_multiple_of(2) {
                    zero()
                } else {
                    zero() - big(x)
                },
                kind: OptionKind::Call,
            };
            "non-positive strike".to_string()
        }
        14 => {
            let m = &mut ctx.markets[m0];
            m.floor = m.maintenance.base.max(m.maintenance.option_b)
                + SignedDecimal::raw(1)
                + dec(x * 0.1);
            format!("floor {}", m.floor)
        }
        15 => {
            let m = &mut ctx.markets[m0];
            let f = if pick.is_multiple_of(2) {
                &mut m.maintenance.option_a
            } else {
                &mut m.maintenance.option_b
            };
            *f = (if pick.is_multiple_of(2) {
                m.initial.option_a
            } else {
                m.initial.option_b
            }) + SignedDecimal::raw(1)
                + dec(x * 0.1);
            format!(
                "maintenance option fractions {:?} above initial {:?}",
                m.maintenance, m.initial
            )
        }
        16 => {
            let max = ctx.params.max_vol;
            let u = &mut ctx.underlyings[u0];
            match pick % 9 {
                8 => u.vol_jump = d("5") + dec(x + 1e-6),
                0 => u.resid_vol = zero() - dec(x + 1e-6),
                1 => u.resid_vol = max + SignedDecimal::raw(1),
                2 => u.beta = d("10") + dec(x + 1e-6),
                3 => u.beta = d("-10") - dec(x + 1e-6),
                4 => u.range_floor = d("1") + dec(x + 1e-6),
                5 => u.resid_floor = zero() - dec(x + 1e-6),
                6 => u.vol_up = d("5") + dec(x + 1e-6),
                _ => u.vol_down = d("0.99") + dec(x * 0.01 + 1e-9),
            }
            format!("underlying {u:?}")
        }
        17 => {
            let m = &mut ctx.markets[m0];
            match pick % 4 {
                0 => m.depth = zero(),
                1 => m.depth = zero() - big(x),
                2 => m.impact = d("1") + dec(x + 1e-9),
                _ => m.impact = zero() - dec(x + 1e-9),
            }
            format!("depth {} impact {}", m.depth, m.impact)
        }
        18 => {
            ensure_asset(acct);
            let link = if pick.is_multiple_of(2) {
                CollateralLink {
                    underlying: n_und + (x * 10.0) as usize,
                    beta: d("1"),
                }
            } else {
                CollateralLink {
                    underlying: 0,
                    beta: d("10") + dec(x + 1e-6),
                }
            };
            let desc = format!("collateral link {link:?}");
            ctx.collaterals[ASSET].link = Some(link);
            desc
        }
        19 => {
            // Huge position: notional overflows the 18-decimal money type.
            let i = pick % acct.positions.len();
            let p = &mut acct.positions[i];
            let u = ctx.markets[p.market].underlying;
            let price = ctx.underlyings[u].price.max(d("2"));
            ctx.underlyings[u].price = price;
            let max = SignedDecimal::MAX;
            let size = match pick % 3 {
                0 => max,
                1 => max - dec(x * 1e6),
                _ => max / price + d("1") + dec(x * 1e18),
            };
            p.size = if pick.is_multiple_of(2) {
                size
            } else {
                zero() - size
            };
            format!("position {i} size {}", p.size)
        }
        _ => {
            // Huge settlement balance or collateral amount: equity overflows.
            acct.settlement = SignedDecimal::MAX - dec(x * 1e6);
            ensure_asset(acct);
            for h in &mut acct.collateral {
                h.amount = SignedDecimal::MAX / d("2");
            }
            ctx.collaterals[ASSET].price = d("4") + dec(x);
            ctx.collaterals[USDC].price = d("4") + dec(x);
            "huge balances".to_string()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(30000))]

    #[test]
    fn bad_inputs_are_errors_not_panics(
        s in spec(3, 4),
        kind in 0..CORRUPTIONS,
        pick in 0usize..1000,
        x in 0.0f64..1.0,
    ) {
        let (mut ctx, mut acct) = build(&s);
        let what = corrupt(&mut ctx, &mut acct, kind, pick, x);
        let isolated = MarginMode::Isolated { market: acct.positions[0].market };
        for mode in [MarginMode::Portfolio, MarginMode::Cross, isolated] {
            let got = margin(&acct, &ctx, &mode);
            prop_assert!(got.is_err(), "{mode:?} accepted {what}: {:?}", got.map(|r| r.maintenance_margin));
            if mode != MarginMode::Portfolio {
                continue; // isolated mode may report the isolation breach first
            }
            // ... and with the error that names the problem.
            let err = got.unwrap_err();
            let expected = match kind {
                0 | 5 | 13 => matches!(err, RiskError::NonPositivePrice { .. }),
                1 => matches!(err, RiskError::VolatilityOutOfRange { .. }),
                2 => matches!(err, RiskError::OptionExpired { .. }),
                3 => matches!(err, RiskError::FutureExpired { .. }),
                7 | 8 | 10 | 11 => matches!(err, RiskError::UnknownIndex { .. }),
                17 => matches!(err, RiskError::NonPositivePrice { .. } | RiskError::InvalidParameter { .. }),
                18 => matches!(err, RiskError::UnknownIndex { .. } | RiskError::InvalidParameter { .. }),
                19 | 20 => matches!(err, RiskError::Overflow { .. }),
                _ => matches!(err, RiskError::InvalidParameter { .. }),
            };
            prop_assert!(expected, "{what}: unexpected error {err:?}");
        }
        prop_assert!(scenarios(&acct, &ctx).is_err(), "scenarios() accepted {}", what);
        if kind <= 18 {
            // Every corruption of a parameter is reported by the context's own validation,
            // except those of the account (indices, amounts, sizes) and expiries.
            let account_side = matches!(kind, 2 | 3 | 7 | 8 | 9);
            if !account_side {
                prop_assert!(ctx.validate().is_err(), "validate() accepted {}", what);
            }
        }
    }
}

/// Isolated mode rejects an account holding positions in another market.
#[test]
pub(crate) fn isolated_account_with_foreign_position_is_an_error() {
    let ctx = btc_eth_context(d("0.6"), d("0.8"), 0.0);
    let acct = Account {
        settlement: d("1000"),
        collateral: vec![],
        positions: vec![perp_position(0, "1"), perp_position(1, "1")],
    };
    assert!(margin(&acct, &ctx, &MarginMode::Isolated { market: 0 }).is_err());
}

// ---------------------------------------------------------------------------------------
