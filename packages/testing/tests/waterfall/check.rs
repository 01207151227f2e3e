//! The invariants checked after every step.

use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::insurance::{QueryMsg as PoolQuery, TotalsResponse};
use cosmwasm_std::{Decimal, SignedDecimal, Uint128};
use proptest::prelude::*;

use crate::fail;
use crate::world::World;

impl World {
    pub fn check(&mut self) -> Result<(), TestCaseError> {
        let s = &self.s;
        // I1: ledgers equal tokens; the auction holds nothing; no uusdc appears or vanishes.
        s.assert_conservation();
        let pool = s.waterfall().insurance.clone();
        let liquid: Uint128 = s
            .app
            .wrap()
            .query_wasm_smart(&pool, &PoolQuery::Assets {})
            .map_err(fail)?;
        prop_assert_eq!(
            s.balance(&pool, SETTLEMENT),
            liquid.u128(),
            "I1: pool tokens vs liquid assets"
        );
        // With a backstop account holding positions the NAV needs fresh prices; when the
        // oracle is stale the pool refuses to value (and so to price deposits), checked here.
        let tranches: Vec<ballast_types::insurance::TrancheResponse> = match s
            .app
            .wrap()
            .query_wasm_smart(&pool, &PoolQuery::Tranches {})
        {
            Ok(t) => t,
            Err(e) if self.backstop.is_some() => {
                prop_assert!(format!("{e}").contains("cannot be valued"), "{e}");
                vec![]
            }
            Err(e) => return Err(fail(e)),
        };
        if !tranches.is_empty() {
            // NAV = liquid assets + the backstop account's equity: the junior tranche's debt
            // to the senior one moves value between them, never creates it.
            let b: ballast_types::insurance::BackstopResponse = s
                .app
                .wrap()
                .query_wasm_smart(&pool, &PoolQuery::Backstop {})
                .map_err(fail)?;
            let nav: u128 = tranches.iter().map(|t| t.assets.u128()).sum();
            let coin: u128 = tranches.iter().map(|t| t.liquid.u128()).sum();
            prop_assert_eq!(coin, liquid.u128());
            prop_assert_eq!(nav, coin + b.equity.u128(), "I1: NAV = liquid + equity");
            prop_assert!(b.junior_debt.is_zero() || tranches[0].liquid.is_zero());
        }
        prop_assert_eq!(s.balance(&s.waterfall().liquidator, SETTLEMENT), 0);
        prop_assert_eq!(usdc(s), self.usdc_total, "I1: uusdc created or destroyed");
        // I7: shares × price never exceed the NAV (rounding against depositors).
        for t in &tranches {
            let claimed = t
                .share_price
                .checked_mul(Decimal::from_ratio(t.supply, 1u128))
                .map_err(fail)?;
            prop_assert!(claimed.to_uint_floor() <= t.assets, "I7: {t:?}");
        }
        // I5: the pool paid exactly what the clearinghouse counts as covered.
        let losses = s.losses();
        let pool_totals: TotalsResponse = s
            .app
            .wrap()
            .query_wasm_smart(&pool, &PoolQuery::Totals {})
            .map_err(fail)?;
        prop_assert_eq!(pool_totals.covered_total, losses.covered_by_insurance, "I5");
        let mut outstanding = 0u128;
        for t in 0..3 {
            let a = s.account(t, 0).map_err(fail)?;
            if a.settlement.is_negative()
                && a.positions.is_empty()
                && a.collateral.is_empty()
                && a.lot.is_none()
            {
                outstanding += a.settlement.unsigned_abs().u128();
            }
            // Positions are whole lots (0.001) whatever liquidation, bids and deleveraging
            // did, so an order can always close them.
            let lot = SignedDecimal::permille(1);
            for p in &a.positions {
                prop_assert_eq!((p.size / lot).floor() * lot, p.size, "whole lots: {:?}", p);
            }
            // I3.
            if let Ok(r) = s.margin(t, 0) {
                prop_assert!(r.maintenance_margin <= r.initial_margin, "I3");
            }
        }
        prop_assert!(
            outstanding <= losses.bad_debt.u128(),
            "I5: unrecorded shortfall {outstanding} > {}",
            losses.bad_debt
        );
        // I6: per lot the factor only falls between redos and never under the floor.
        for lot in self.open_lots() {
            let st = s.lot_status(lot);
            prop_assert!(st.factor >= Decimal::percent(80), "I6: under the floor");
            if let Some(&(last, redos)) = self.factors.get(&lot) {
                if redos == st.redos {
                    prop_assert!(st.factor <= last, "I6: price rose without a redo");
                }
            }
            self.factors.insert(lot, (st.factor, st.redos));
        }
        Ok(())
    }
}

pub fn usdc(s: &Suite) -> u128 {
    let w = s.waterfall();
    let mut holders = s.traders.clone();
    holders.extend([
        s.ch().clearinghouse.clone(),
        w.insurance.clone(),
        w.liquidator.clone(),
        w.keeper.clone(),
    ]);
    // The pool is among the traders once it is the backstop: count it once.
    holders.sort();
    holders.dedup();
    holders.iter().map(|a| s.balance(a, SETTLEMENT)).sum()
}
