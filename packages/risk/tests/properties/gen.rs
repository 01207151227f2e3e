//! Specs, strategies and builders of random but valid contexts and accounts.

use super::*;

// Decimal helpers
// ---------------------------------------------------------------------------------------

/// `x` as a decimal, rounded to 12 places (every generated value is far above 1e-12).
pub(crate) fn dec(x: f64) -> SignedDecimal {
    assert!(x.is_finite(), "non-finite test input {x}");
    SignedDecimal::from_str(&format!("{x:.12}")).expect("decimal")
}

pub(crate) fn d(s: &str) -> SignedDecimal {
    SignedDecimal::from_str(s).expect("decimal literal")
}

pub(crate) fn f(x: SignedDecimal) -> f64 {
    x.to_string().parse().expect("decimal to f64")
}

pub(crate) fn zero() -> SignedDecimal {
    SignedDecimal::zero()
}

/// `|a − b| ≤ tol · max(|b|, 1)`.
pub(crate) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

// ---------------------------------------------------------------------------------------
// Specs: what the strategies generate
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub(crate) struct ParamSpec {
    pub(crate) z: f64,
    pub(crate) horizon_secs: u64,
    pub(crate) im_multiplier: f64,
    pub(crate) extreme_multiple: f64,
    pub(crate) extreme_weight: f64,
    pub(crate) stress: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct UndSpec {
    pub(crate) price: f64,
    pub(crate) vol: f64,
    /// option_vol ÷ vol (the slow EWMA is at most the max of fast and slow)
    pub(crate) option_vol_share: f64,
    pub(crate) beta: f64,
    pub(crate) resid_vol: f64,
    pub(crate) range_floor: f64,
    pub(crate) resid_floor: f64,
    pub(crate) vol_up: f64,
    pub(crate) vol_jump: f64,
    pub(crate) vol_down: f64,
}

#[derive(Clone, Debug)]
pub(crate) enum InstSpec {
    Perp,
    /// Seconds to expiry.
    Future(u64),
    /// Seconds to expiry, strike ÷ spot, call?
    Option(u64, f64, bool),
}

#[derive(Clone, Debug)]
pub(crate) struct MktSpec {
    pub(crate) underlying: usize,
    pub(crate) inst: InstSpec,
    pub(crate) mm_base: f64,
    pub(crate) im_ratio: f64,
    pub(crate) mm_a: f64,
    pub(crate) mm_b: f64,
    pub(crate) im_opt_ratio: f64,
    /// Floor as a share of min(mm_base, mm_b).
    pub(crate) floor_share: f64,
    pub(crate) depth: f64,
    pub(crate) impact: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct PosSpec {
    pub(crate) market: usize,
    /// Signed notional in settlement units at the index price.
    pub(crate) notional: f64,
    /// Linear entry price ÷ index; options: premium paid in cash (entry 0) or this × spot.
    pub(crate) entry: f64,
    pub(crate) cash_premium: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct CollSpec {
    pub(crate) price: f64,
    pub(crate) weight: f64,
    pub(crate) link: Option<(usize, f64)>,
    /// USDC held (None: no holding).
    pub(crate) usdc: Option<f64>,
    /// Value of the asset held (None: no holding).
    pub(crate) value: Option<f64>,
}

#[derive(Clone, Debug)]
pub(crate) struct Spec {
    pub(crate) params: ParamSpec,
    pub(crate) unds: Vec<UndSpec>,
    pub(crate) markets: Vec<MktSpec>,
    pub(crate) coll: CollSpec,
    pub(crate) settlement: f64,
    pub(crate) positions: Vec<PosSpec>,
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

pub(crate) fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo.ln()..hi.ln()).prop_map(f64::exp)
}

pub(crate) fn params_strategy() -> impl Strategy<Value = ParamSpec> {
    (
        5.0f64..7.5,
        3600u64..=14_400,
        1.0f64..1.5,
        1.5f64..2.5,
        0.2f64..=1.0,
        1.0f64..2.0,
    )
        .prop_map(
            |(z, horizon_secs, im_multiplier, extreme_multiple, extreme_weight, stress)| {
                ParamSpec {
                    z,
                    horizon_secs,
                    im_multiplier,
                    extreme_multiple,
                    extreme_weight,
                    stress,
                }
            },
        )
}

pub(crate) fn und_strategy() -> impl Strategy<Value = UndSpec> {
    (
        log_uniform(0.5, 100_000.0),
        (0.05f64..2.0, 0.5f64..=1.0),
        0.3f64..1.5,
        0.05f64..1.0,
        0.01f64..0.1,
        0.01f64..0.05,
        0.1f64..0.5,
        0.0f64..1.0,
        0.1f64..0.5,
    )
        .prop_map(
            |(
                price,
                (vol, option_vol_share),
                beta,
                resid_vol,
                range_floor,
                resid_floor,
                vol_up,
                vol_jump,
                vol_down,
            )| UndSpec {
                price,
                vol,
                option_vol_share,
                beta,
                resid_vol,
                range_floor,
                resid_floor,
                vol_up,
                vol_jump,
                vol_down,
            },
        )
}

pub(crate) fn inst_strategy() -> impl Strategy<Value = InstSpec> {
    prop_oneof![
        Just(InstSpec::Perp),
        (DAY..=365 * DAY).prop_map(InstSpec::Future),
        (DAY..=180 * DAY, 0.6f64..1.6, any::<bool>())
            .prop_map(|(t, k, call)| InstSpec::Option(t, k, call)),
    ]
}

pub(crate) fn mkt_strategy(n_und: usize) -> impl Strategy<Value = MktSpec> {
    (
        0..n_und,
        inst_strategy(),
        (0.01f64..0.1, 1.2f64..2.5),
        (0.05f64..0.15, 0.03f64..0.1, 1.0f64..2.0),
        0.0f64..=1.0,
        log_uniform(1e6, 1e8),
        prop_oneof![Just(0.0), 0.0f64..0.02],
    )
        .prop_map(
            |(
                underlying,
                inst,
                (mm_base, im_ratio),
                (mm_a, mm_b, im_opt_ratio),
                floor_share,
                depth,
                impact,
            )| {
                MktSpec {
                    underlying,
                    inst,
                    mm_base,
                    im_ratio,
                    mm_a,
                    mm_b,
                    im_opt_ratio,
                    floor_share,
                    depth,
                    impact,
                }
            },
        )
}

pub(crate) fn pos_strategy(n_mkt: usize) -> impl Strategy<Value = PosSpec> {
    (
        0..n_mkt,
        log_uniform(100.0, 5e6),
        any::<bool>(),
        0.8f64..1.2,
        any::<bool>(),
    )
        .prop_map(|(market, n, long, entry, cash_premium)| PosSpec {
            market,
            notional: if long { n } else { -n },
            entry,
            cash_premium,
        })
}

pub(crate) fn coll_strategy(n_und: usize) -> impl Strategy<Value = CollSpec> {
    (
        log_uniform(0.5, 1000.0),
        0.5f64..=1.0,
        proptest::option::of((0..n_und, 0.0f64..1.5)),
        proptest::option::of(0.0f64..1e6),
        proptest::option::of(0.0f64..2e6),
    )
        .prop_map(|(price, weight, link, usdc, value)| CollSpec {
            price,
            weight,
            link,
            usdc,
            value,
        })
}

/// A random book: 1..=max_und underlyings, 1..=5 markets, 1..=max_pos positions.
pub(crate) fn spec(max_und: usize, max_pos: usize) -> impl Strategy<Value = Spec> {
    (1..=max_und, 1..=5usize)
        .prop_flat_map(move |(nu, nm)| {
            (
                params_strategy(),
                vec(und_strategy(), nu),
                vec(mkt_strategy(nu), nm),
                coll_strategy(nu),
                -5e5f64..2e6,
                vec(pos_strategy(nm), 1..=max_pos),
            )
        })
        .prop_map(
            |(params, unds, markets, coll, settlement, positions)| Spec {
                params,
                unds,
                markets,
                coll,
                settlement,
                positions,
            },
        )
}

// ---------------------------------------------------------------------------------------
// Building contexts and accounts
// ---------------------------------------------------------------------------------------

pub(crate) const MAX_VOL: f64 = 5.0;

pub(crate) fn risk_params(p: &ParamSpec) -> RiskParams {
    RiskParams {
        z: dec(p.z),
        horizon_secs: p.horizon_secs,
        im_multiplier: dec(p.im_multiplier),
        extreme_multiple: dec(p.extreme_multiple),
        extreme_weight: dec(p.extreme_weight),
        stress: dec(p.stress),
        reference: Some(0),
        max_vol: dec(MAX_VOL),
        now: NOW,
    }
}

pub(crate) fn underlying(i: usize, u: &UndSpec) -> Underlying {
    Underlying {
        name: format!("U{i}"),
        price: dec(u.price),
        vol: dec(u.vol),
        option_vol: dec(u.vol * u.option_vol_share),
        beta: if i == 0 { d("1") } else { dec(u.beta) },
        resid_vol: if i == 0 { zero() } else { dec(u.resid_vol) },
        range_floor: dec(u.range_floor),
        resid_floor: dec(u.resid_floor),
        vol_up: dec(u.vol_up),
        vol_jump: dec(u.vol_jump),
        vol_down: dec(u.vol_down),
    }
}

pub(crate) fn market(m: &MktSpec, unds: &[UndSpec]) -> Market {
    let spot = unds[m.underlying].price;
    let instrument = match m.inst {
        InstSpec::Perp => Instrument::Perp,
        InstSpec::Future(t) => Instrument::Future { expiry: NOW + t },
        InstSpec::Option(t, k, call) => Instrument::Option {
            expiry: NOW + t,
            strike: dec(spot * k),
            kind: if call {
                OptionKind::Call
            } else {
                OptionKind::Put
            },
        },
    };
    Market {
        underlying: m.underlying,
        instrument,
        initial: Fractions {
            base: dec((m.mm_base * m.im_ratio).min(1.0)),
            option_a: dec((m.mm_a * m.im_opt_ratio).min(1.0)),
            option_b: dec((m.mm_b * m.im_opt_ratio).min(1.0)),
        },
        maintenance: Fractions {
            base: dec(m.mm_base),
            option_a: dec(m.mm_a),
            option_b: dec(m.mm_b),
        },
        depth: dec(m.depth),
        impact: dec(m.impact),
        floor: dec(m.floor_share * m.mm_base.min(m.mm_b)),
    }
}

pub(crate) fn context(s: &Spec) -> RiskContext {
    RiskContext {
        underlyings: s
            .unds
            .iter()
            .enumerate()
            .map(|(i, u)| underlying(i, u))
            .collect(),
        markets: s.markets.iter().map(|m| market(m, &s.unds)).collect(),
        collaterals: vec![
            CollateralAsset {
                name: "USDC".into(),
                price: d("1"),
                weight: d("1"),
                link: None,
            },
            CollateralAsset {
                name: "ASSET".into(),
                price: dec(s.coll.price),
                weight: dec(s.coll.weight),
                link: s.coll.link.map(|(underlying, beta)| CollateralLink {
                    underlying,
                    beta: dec(beta),
                }),
            },
        ],
        params: risk_params(&s.params),
    }
}

pub(crate) fn position(p: &PosSpec, s: &Spec) -> Position {
    let m = &s.markets[p.market];
    let spot = s.unds[m.underlying].price;
    let entry = match m.inst {
        InstSpec::Option(..) if p.cash_premium => 0.0,
        InstSpec::Option(..) => spot * 0.05 * p.entry,
        _ => spot * p.entry,
    };
    Position {
        market: p.market,
        size: dec(p.notional / spot),
        entry_price: dec(entry),
    }
}

pub(crate) fn account(s: &Spec) -> Account {
    let mut collateral = Vec::new();
    if let Some(a) = s.coll.usdc {
        collateral.push(Holding {
            asset: USDC,
            amount: dec(a),
        });
    }
    if let Some(v) = s.coll.value {
        collateral.push(Holding {
            asset: ASSET,
            amount: dec(v / s.coll.price),
        });
    }
    Account {
        settlement: dec(s.settlement),
        collateral,
        positions: s.positions.iter().map(|p| position(p, s)).collect(),
    }
}

pub(crate) fn build(s: &Spec) -> (RiskContext, Account) {
    let ctx = context(s);
    ctx.validate().expect("generated context must be valid");
    (ctx, account(s))
}

/// `margin` on a valid input: an error fails the property.
pub(crate) fn run(
    a: &Account,
    ctx: &RiskContext,
    mode: MarginMode,
) -> Result<MarginReport, TestCaseError> {
    match margin(a, ctx, &mode) {
        Ok(r) => Ok(r),
        Err(e) => Err(TestCaseError::fail(format!(
            "margin({mode:?}) failed on a valid input: {e}\naccount: {a:?}\nunderlyings: {:?}\nmarkets: {:?}\nparams: {:?}",
            ctx.underlyings, ctx.markets, ctx.params
        ))),
    }
}

pub(crate) fn portfolio(a: &Account, ctx: &RiskContext) -> Result<MarginReport, TestCaseError> {
    run(a, ctx, MarginMode::Portfolio)
}

pub(crate) fn cross(a: &Account, ctx: &RiskContext) -> Result<MarginReport, TestCaseError> {
    run(a, ctx, MarginMode::Cross)
}

/// `margin` in a hand-written unit test.
pub(crate) fn report(a: &Account, ctx: &RiskContext, mode: MarginMode) -> MarginReport {
    margin(a, ctx, &mode).unwrap_or_else(|e| panic!("margin({mode:?}): {e}"))
}

/// Rounding slack: `rel` of the gross exposure (position notional plus collateral value)
/// plus a few atoms.
/// Tolerance for fixed-point rounding: `rel` of the book's gross notional plus collateral
/// (the engine's fractions carry 2^-40 ≈ 9e-13 of resolution, amplified up to ~100× by
/// ratios such as σ_u/σ_ref, so comparisons between two margin calls use 1e-10).
pub(crate) fn slack(report: &MarginReport, rel: f64) -> SignedDecimal {
    dec((f(report.gross_notional) + f(report.collateral_value)) * rel) + SignedDecimal::raw(1_000)
}

pub(crate) fn worst_loss(r: &MarginReport) -> SignedDecimal {
    r.worst_scenario
        .as_ref()
        .map(|s| s.loss)
        .expect("portfolio report of a book with positions has a worst scenario")
}

// ---------------------------------------------------------------------------------------
