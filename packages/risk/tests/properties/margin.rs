//! The margin properties: MM ≤ IM, volatility, scenario coverage, portfolio ≤ cross,
//! offsetting positions, scaling, wrong-way collateral.

use super::*;

// 1. MM ≤ IM
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    #[test]
    fn mm_le_im_always(s in spec(3, 5)) {
        let (ctx, acct) = build(&s);
        let mut modes = vec![MarginMode::Cross, MarginMode::Portfolio];
        if acct.positions.iter().all(|p| p.market == acct.positions[0].market) {
            modes.push(MarginMode::Isolated { market: acct.positions[0].market });
        }
        for mode in modes {
            let r = run(&acct, &ctx, mode.clone())?;
            prop_assert!(r.maintenance_margin >= zero(), "{mode:?}: negative MM {}", r.maintenance_margin);
            prop_assert!(
                r.maintenance_margin <= r.initial_margin,
                "{mode:?}: MM {} > IM {}", r.maintenance_margin, r.initial_margin
            );
        }
        // Every position alone in its own isolated account.
        for p in &acct.positions {
            let single = Account {
                settlement: acct.settlement,
                collateral: vec![],
                positions: vec![p.clone()],
            };
            let r = run(&single, &ctx, MarginMode::Isolated { market: p.market })?;
            prop_assert!(
                r.maintenance_margin <= r.initial_margin,
                "isolated {}: MM {} > IM {}", p.market, r.maintenance_margin, r.initial_margin
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. Higher volatility never lowers margin
// ---------------------------------------------------------------------------------------

/// Perps and futures only: every option market becomes a perp on its underlying.
pub(crate) fn linear_only(mut s: Spec) -> Spec {
    for m in &mut s.markets {
        if let InstSpec::Option(..) = m.inst {
            m.inst = InstSpec::Perp;
        }
    }
    s
}

/// Everything on underlying 0 (the reference).
pub(crate) fn single_underlying(s: &mut Spec) {
    s.unds.truncate(1);
    for m in &mut s.markets {
        m.underlying = 0;
    }
    if let Some(link) = &mut s.coll.link {
        link.0 = 0;
    }
}

/// Every volatility (range σ, marking σ, residual σ) × k, capped at max_vol.
pub(crate) fn raise_vols(ctx: &RiskContext, k: f64) -> RiskContext {
    let mut hot = ctx.clone();
    let cap = f(ctx.params.max_vol);
    for u in &mut hot.underlyings {
        u.vol = dec((f(u.vol) * k).min(cap));
        u.option_vol = dec((f(u.option_vol) * k).min(cap));
        u.resid_vol = dec((f(u.resid_vol) * k).min(cap));
    }
    hot
}

/// The largest factor ≤ k for which no scaled σ reaches max_vol and no extreme move reaches
/// the engine's −99 % cap (1 if there is none): without range and residual floors, the
/// scenario grid is then exactly proportional to σ.
pub(crate) fn proportional_k(s: &Spec, k: f64) -> f64 {
    let p = &s.params;
    let sqrt_h = (p.horizon_secs as f64 / YEAR_SECS as f64).sqrt();
    s.unds
        .iter()
        .fold(k, |k, u| {
            k.min(0.95 / (p.extreme_multiple * p.z * u.vol * sqrt_h))
                .min(0.99 * MAX_VOL / u.vol)
        })
        .max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    /// Raising every volatility (σ, marking σ and residual σ) by k ∈ [1, 3) never lowers MM
    /// or IM. This holds for linear books (perps, futures, collateral) in the domains below,
    /// and is tested there:
    /// - Cross: 1–3 underlyings, any collateral (each position's requirement is monotone);
    /// - Cross and Portfolio: one underlying, any collateral;
    /// - Cross and Portfolio: 1–3 underlyings without range or residual floors (the grid is
    ///   then proportional to σ).
    ///
    /// Left out, with reasons: option books (with R on its floor or a saturating premium
    /// their MM can fall, pinned as `#[ignore]`d cases in `limits.rs`), and cross-underlying
    /// hedges where one leg sits on its range floor and is capped at it while the reference
    /// leg's range, and so its hedge credit, grows (dips of a few basis points of MM seen).
    #[test]
    fn margin_never_decreases_when_volatility_rises(
        s in spec(3, 5).prop_map(linear_only),
        k in 1.0f64..3.0,
        domain in 0usize..3,
    ) {
        let mut s = s;
        let (modes, k) = match domain {
            0 => (vec![MarginMode::Cross], k),
            1 => {
                single_underlying(&mut s);
                (vec![MarginMode::Cross, MarginMode::Portfolio], k)
            }
            _ => {
                for u in &mut s.unds {
                    u.range_floor = 0.0;
                    u.resid_floor = 0.0;
                }
                (vec![MarginMode::Cross, MarginMode::Portfolio], proportional_k(&s, k))
            }
        };
        let (ctx, acct) = build(&s);
        // Prices cannot fall below zero: once an extreme move reaches the engine's −99 % cap
        // (300 %+ volatility, or collateral with β > 1 near it) losses saturate while a
        // hedge's gains do not, and margin may legitimately stop growing. Keep k below that.
        let beta_c = s.coll.link.map(|(_, b)| b.abs()).unwrap_or(0.0).max(1.0);
        let widest = s.unds.iter().map(|u| u.vol).fold(0.0, f64::max);
        let h = (s.params.horizon_secs as f64 / YEAR_SECS as f64).sqrt();
        let k_cap = 0.9 / (2.0 * s.params.extreme_multiple * s.params.z * widest * h * beta_c);
        let k = k.min(k_cap).max(1.0);
        let hot = raise_vols(&ctx, k);
        for mode in modes {
            let before = run(&acct, &ctx, mode.clone())?;
            let after = run(&acct, &hot, mode.clone())?;
            let tol = slack(&after, 1e-10);
            prop_assert!(
                after.maintenance_margin + tol >= before.maintenance_margin,
                "{mode:?}: MM fell from {} to {} when vol rose ×{k}", before.maintenance_margin, after.maintenance_margin
            );
            prop_assert!(
                after.initial_margin + tol >= before.initial_margin,
                "{mode:?}: IM fell from {} to {} when vol rose ×{k}", before.initial_margin, after.initial_margin
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 3. Portfolio MM covers every scenario, checked by full revaluation
// ---------------------------------------------------------------------------------------

/// `ctx` after the scenario: prices moved, marking volatilities shocked as model.rs documents
/// them (up: σ·(1 + vol_up + vol_jump·|m|/R), down: σ·(1 − vol_down)), linked collateral
/// repriced by beta × the move of its underlying.
pub(crate) fn shocked(ctx: &RiskContext, s: &Scenario) -> RiskContext {
    let mut c = ctx.clone();
    // A shocked σ may exceed max_vol; max_vol only gates inputs, it prices nothing.
    c.params.max_vol = d("20");
    let one = SignedDecimal::one();
    let (z, h) = (
        f(ctx.params.z),
        ctx.params.horizon_secs as f64 / YEAR_SECS as f64,
    );
    for &(u, mv) in &s.moves {
        let und = &mut c.underlyings[u];
        und.price *= one + mv;
        und.option_vol = match s.vol_shock {
            VolShock::None => und.option_vol,
            VolShock::Up => {
                let sigma = f(und.option_vol);
                let r = f(und.range_floor).max(z * f(und.vol) * h.sqrt());
                dec(sigma * (1.0 + f(und.vol_up) + f(und.vol_jump) * f(mv).abs() / r))
            }
            VolShock::Down => und.option_vol * (one - und.vol_down),
        };
    }
    for col in &mut c.collaterals {
        if let Some(link) = &col.link {
            if let Some(&(_, mv)) = s.moves.iter().find(|(u, _)| *u == link.underlying) {
                // The engine caps a collateral's move at −99 %, as it does the underlyings'.
                col.price *= (one + link.beta * mv).max(SignedDecimal::percent(1));
            }
        }
    }
    c
}

pub(crate) fn scenario_key(s: &Scenario) -> String {
    format!("{:?}{:?}", s.moves, s.vol_shock)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6000))]

    #[test]
    fn mm_covers_every_scenario_loss(s in spec(2, 4)) {
        let (ctx, acct) = build(&s);
        let base = portfolio(&acct, &ctx)?;
        let mm = base.maintenance_margin;
        let all = scenarios(&acct, &ctx).expect("scenarios");
        prop_assert!(!all.is_empty());
        let worst = all.iter().map(|x| x.loss).max().unwrap();
        prop_assert_eq!(worst, worst_loss(&base), "worst_scenario is not the max of scenarios()");
        // Scenario losses price options with the fast kernel (one exp for both tails), the
        // revaluation with the full quote: each is within 1e-9 of the forward of f64, so
        // they agree within a few 1e-9 of the book.
        let tol = slack(&base, 5e-9);
        let mut cache: Vec<(String, SignedDecimal)> = Vec::new();
        for sc in &all {
            prop_assert!(sc.loss <= mm, "scenario loss {} > MM {mm}: {sc:?}", sc.loss);
            let key = scenario_key(sc);
            let shocked_equity = match cache.iter().find(|(k, _)| *k == key) {
                Some((_, e)) => *e,
                None => {
                    let e = cross(&acct, &shocked(&ctx, sc))?.equity;
                    cache.push((key, e));
                    e
                }
            };
            let reval = sc.weight * (base.equity - shocked_equity);
            prop_assert!(
                reval <= mm + tol,
                "revalued loss {reval} > MM {mm} in {sc:?}"
            );
            // The engine's loss tables agree with full revaluation, both ways.
            prop_assert!(
                reval <= sc.loss + tol && sc.loss <= reval + tol,
                "engine loss {} vs revalued {reval} in {sc:?}", sc.loss
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 4. Portfolio ≤ Cross for position-only books
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    #[test]
    fn portfolio_mm_le_cross_mm_for_position_only_books(s in spec(3, 5)) {
        let (ctx, mut acct) = build(&s);
        acct.collateral.clear();
        let p = portfolio(&acct, &ctx)?;
        let c = cross(&acct, &ctx)?;
        prop_assert!(
            p.maintenance_margin <= c.maintenance_margin,
            "portfolio MM {} > cross MM {}", p.maintenance_margin, c.maintenance_margin
        );
        prop_assert!(
            p.initial_margin <= c.initial_margin,
            "portfolio IM {} > cross IM {}", p.initial_margin, c.initial_margin
        );
    }
}

// ---------------------------------------------------------------------------------------
// 5. Offsetting positions
// ---------------------------------------------------------------------------------------

pub(crate) fn negated(p: &Position) -> Position {
    Position {
        size: zero() - p.size,
        ..p.clone()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16000))]

    /// Portfolio MM = max(max(worst, 0) + liquidity add-on, floor) (engine.rs). For {X, −X}
    /// the scenario losses cancel (to a few atoms of rounding), so MM = max(add-on, floor),
    /// which is exactly the floor whenever the size add-ons fit under it (always when the
    /// market has no impact). Adding {X, −X} to a book P leaves its worst scenario loss
    /// unchanged, so MM(P ∪ {X, −X}) = max(worst(P)⁺ + add-on(P ∪ {X, −X}), floor(P ∪ {X, −X})).
    #[test]
    fn offsetting_position_reduces_portfolio_mm_to_floor(
        s in spec(3, 4),
        x in (0usize..5, log_uniform(100.0, 5e6), any::<bool>(), 0.8f64..1.2, any::<bool>()),
    ) {
        let (ctx, book) = build(&s);
        let xs = PosSpec {
            market: x.0 % s.markets.len(),
            notional: if x.2 { x.1 } else { -x.1 },
            entry: x.3,
            cash_premium: x.4,
        };
        let px = position(&xs, &s);
        let pair = Account {
            settlement: zero(),
            collateral: vec![],
            positions: vec![px.clone(), negated(&px)],
        };
        let r = portfolio(&pair, &ctx)?;
        let worst = worst_loss(&r);
        let tiny = slack(&r, 1e-10);
        prop_assert!(worst <= tiny && zero() - worst <= tiny, "{{X, -X}} worst loss {worst} is not ~0");
        prop_assert_eq!(
            r.maintenance_margin,
            (worst.max(zero()) + r.liquidity_addon).max(r.floor)
        );
        prop_assert!(r.maintenance_margin >= r.floor);
        prop_assert!(r.maintenance_margin <= r.liquidity_addon.max(r.floor) + tiny);
        if r.liquidity_addon + tiny < r.floor {
            prop_assert_eq!(r.maintenance_margin, r.floor, "{{X, -X}} MM is not its floor");
        }
        if ctx.markets[px.market].impact.is_zero() && r.floor > tiny {
            prop_assert_eq!(r.maintenance_margin, r.floor, "{{X, -X}} without impact: MM is not its floor");
        }

        // P ∪ {X, −X}
        let mut both = book.clone();
        both.positions.push(px.clone());
        both.positions.push(negated(&px));
        let rp = portfolio(&book, &ctx)?;
        let rb = portfolio(&both, &ctx)?;
        let tol = slack(&rb, 1e-10);
        let (wp, wb) = (worst_loss(&rp), worst_loss(&rb));
        prop_assert!(wb <= wp + tol && wp <= wb + tol, "worst loss moved from {wp} to {wb}");
        prop_assert_eq!(
            rb.maintenance_margin,
            (wb.max(zero()) + rb.liquidity_addon).max(rb.floor)
        );
        let expected = (wp.max(zero()) + rb.liquidity_addon).max(rb.floor);
        prop_assert!(
            rb.maintenance_margin <= expected + tol && expected <= rb.maintenance_margin + tol,
            "MM(P ∪ {{X, -X}}) = {} but max(worst(P)⁺ + add-on, floor) = {expected}", rb.maintenance_margin
        );
        // The pair adds its own add-ons and floors, and nothing else.
        prop_assert_eq!(rb.liquidity_addon, rp.liquidity_addon + r.liquidity_addon);
        prop_assert_eq!(rb.floor, rp.floor + r.floor);
    }
}

// ---------------------------------------------------------------------------------------
// 6. Scaling
// ---------------------------------------------------------------------------------------

pub(crate) fn scaled(a: &Account, k: SignedDecimal) -> Account {
    Account {
        settlement: a.settlement * k,
        collateral: a
            .collateral
            .iter()
            .map(|h| Holding {
                asset: h.asset,
                amount: h.amount * k,
            })
            .collect(),
        positions: a
            .positions
            .iter()
            .map(|p| Position {
                size: p.size * k,
                ..p.clone()
            })
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16000))]

    #[test]
    fn scaling_positions_by_k_scales_margin_at_least_k(s in spec(3, 5), k in 1.0f64..5.0) {
        let (ctx, acct) = build(&s);
        let k = dec((k * 1e6).round() / 1e6);
        let big = scaled(&acct, k);
        for mode in [MarginMode::Cross, MarginMode::Portfolio] {
            let r1 = run(&acct, &ctx, mode.clone())?;
            let rk = run(&big, &ctx, mode.clone())?;
            let tol = slack(&rk, 1e-10);
            prop_assert!(
                rk.maintenance_margin + tol >= r1.maintenance_margin * k,
                "{mode:?}: MM(k·book) = {} < k·MM(book) = {} (k = {k})",
                rk.maintenance_margin, r1.maintenance_margin * k
            );
            prop_assert!(
                rk.initial_margin + tol >= r1.initial_margin * k,
                "{mode:?}: IM(k·book) = {} < k·IM(book) = {} (k = {k})",
                rk.initial_margin, r1.initial_margin * k
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 7. Wrong-way collateral
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    /// A long perp on u backed by collateral that falls with u needs more margin than the
    /// same book whose collateral does not move (beta 0). The perp's floor is kept below the
    /// smallest down move the grid can give u (min(range floor, residual floor)), so the
    /// beta-0 margin is set by its scenario loss, not by the floor.
    #[test]
    fn wrong_way_collateral_raises_portfolio_mm(
        s in spec(3, 1),
        u in 0usize..3,
        beta in 0.5f64..1.5,
        notional in log_uniform(1e3, 5e6),
        value in log_uniform(1e3, 5e6),
    ) {
        let mut s = s;
        let u = u % s.unds.len();
        s.coll.link = Some((u, beta));
        let mut m = s.markets[0].clone();
        m.underlying = u;
        m.inst = InstSpec::Perp;
        let lb = s.unds[u].range_floor.min(s.unds[u].resid_floor);
        m.floor_share = m.floor_share.min(0.9 * lb / m.mm_base.min(m.mm_b));
        s.markets = vec![m];
        s.positions = vec![PosSpec { market: 0, notional, entry: 1.0, cash_premium: false }];
        s.coll.value = Some(value);
        let (ctx, acct) = build(&s);
        let mut flat = ctx.clone();
        flat.collaterals[ASSET].link.as_mut().unwrap().beta = zero();
        let wrong = portfolio(&acct, &ctx)?;
        let safe = portfolio(&acct, &flat)?;
        prop_assert!(safe.maintenance_margin > safe.floor, "beta-0 MM {} sits on the floor", safe.maintenance_margin);
        prop_assert!(
            wrong.maintenance_margin > safe.maintenance_margin,
            "wrong-way MM {} is not above beta-0 MM {}", wrong.maintenance_margin, safe.maintenance_margin
        );
        prop_assert!(wrong.initial_margin > safe.initial_margin);
    }
}

// ---------------------------------------------------------------------------------------
