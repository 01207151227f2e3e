//! EWMA volatility with a factor model: what the oracle learns from its own prices and
//! hands to the engine (σ, β to the reference, residual σ).
//!
//! Two EWMAs of squared log returns run side by side: a fast one (reacts within hours to a
//! crash) and a slow one (remembers the last weeks, so one quiet day does not drop margin).
//! σ is the larger of the two, annualised. β comes from the slow covariance with the
//! reference; the residual variance `var − β²·var_ref` is taken from whichever EWMA gives
//! the larger value. All fixed point: returns are `ln(p_t / p_{t−1})` in `Q`, moments in
//! `SignedDecimal`.

use cosmwasm_std::{Decimal, SignedDecimal};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{RiskError, RiskResult};
use crate::fixed::Q;
use crate::math::ln;
use crate::model::YEAR_SECS;
use crate::money::{add, div_down, mul_down, sub};

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct EwmaParams {
    /// Decay of the fast EWMA per period (e.g. 0.96 per hour).
    pub lambda_fast: SignedDecimal,
    /// Decay of the slow EWMA per period (e.g. 0.99 per hour).
    pub lambda_slow: SignedDecimal,
    /// Length of one period (one price update) in seconds.
    pub period_secs: u64,
}

/// Moments of one asset: [fast, slow] variance and covariance with the reference.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct Moments {
    pub var: [SignedDecimal; 2],
    pub cov: [SignedDecimal; 2],
    pub updates: u32,
}

/// What the engine needs of one underlying's volatility.
#[derive(Clone, Debug, PartialEq)]
pub struct VolEstimate {
    /// max(fast, slow), annualised: sizes the scenario range.
    pub vol: SignedDecimal,
    /// slow, annualised: marks options.
    pub slow_vol: SignedDecimal,
    pub beta: SignedDecimal,
    pub resid_vol: SignedDecimal,
}

fn blend(
    old: SignedDecimal,
    new: SignedDecimal,
    lambda: SignedDecimal,
    first: bool,
) -> RiskResult<SignedDecimal> {
    if first {
        return Ok(new);
    }
    // λ·old + (1 − λ)·new, each term rounded down (an estimate, not money).
    add(
        mul_down(old, lambda)?,
        mul_down(new, sub(SignedDecimal::one(), lambda)?)?,
    )
}

/// Log return ln(now / prev); both prices must be positive.
pub fn log_return(prev: SignedDecimal, now: SignedDecimal) -> RiskResult<SignedDecimal> {
    if prev <= SignedDecimal::zero() || now <= SignedDecimal::zero() {
        return Err(RiskError::NonPositivePrice {
            what: "return".into(),
            value: format!("{prev} -> {now}"),
        });
    }
    Ok(ln(Q::from_decimal(div_down(now, prev)?)?)?.to_decimal_floor())
}

impl Moments {
    /// Moments that start from a prior annualised σ (per-period variance σ²·period/year)
    /// instead of letting the first return set the average alone: one hourly return of a
    /// crash would otherwise be the whole estimate. Covariances start at zero (β = 0
    /// until returns arrive), which only lowers hedge credit.
    pub fn with_prior(vol: SignedDecimal, period_secs: u64) -> RiskResult<Moments> {
        let per_period = SignedDecimal::from_ratio(period_secs.max(1), crate::model::YEAR_SECS);
        let v = mul_down(mul_down(vol, vol)?, per_period)?;
        Ok(Moments {
            var: [v, v],
            cov: [SignedDecimal::zero(); 2],
            updates: 0,
        })
    }

    /// Folds one period's return `r` (and the reference's return, when known) in.
    pub fn update(
        &mut self,
        p: &EwmaParams,
        r: SignedDecimal,
        r_ref: Option<SignedDecimal>,
    ) -> RiskResult<()> {
        // Without a prior, the first return seeds the averages; with one, it is blended in.
        let first = self.updates == 0 && self.var[1].is_zero();
        let sq = mul_down(r, r)?;
        let lambdas = [p.lambda_fast, p.lambda_slow];
        for (k, lambda) in lambdas.iter().enumerate() {
            self.var[k] = blend(self.var[k], sq, *lambda, first)?;
            if let Some(rr) = r_ref {
                self.cov[k] = blend(self.cov[k], mul_down(r, rr)?, *lambda, first)?;
            }
        }
        self.updates = self.updates.saturating_add(1);
        Ok(())
    }

    /// σ, β and residual σ, annualised; `reference` holds the reference's own moments.
    pub fn estimate(&self, p: &EwmaParams, reference: &Moments) -> RiskResult<VolEstimate> {
        let periods = SignedDecimal::from_ratio(YEAR_SECS, p.period_secs.max(1));
        let annual = |var: SignedDecimal| -> RiskResult<SignedDecimal> {
            let v = Decimal::try_from(mul_down(var.max(SignedDecimal::zero()), periods)?)
                .map_err(|_| RiskError::overflow("annualise"))?;
            SignedDecimal::try_from(v.sqrt()).map_err(|_| RiskError::overflow("annualise"))
        };
        let vol = annual(self.var[0].max(self.var[1]))?;
        let slow_vol = annual(self.var[1])?;
        let mut beta = SignedDecimal::zero();
        if reference.var[1] > SignedDecimal::zero() {
            beta = div_down(self.cov[1], reference.var[1])?;
        }
        let mut resid = SignedDecimal::zero();
        for k in 0..2 {
            if reference.var[k] > SignedDecimal::zero() {
                let b = div_down(self.cov[k], reference.var[k])?;
                let explained = mul_down(mul_down(b, b)?, reference.var[k])?;
                resid = resid.max(sub(self.var[k], explained)?);
            }
        }
        Ok(VolEstimate {
            vol,
            slow_vol,
            beta,
            resid_vol: annual(resid)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> SignedDecimal {
        SignedDecimal::from_str(s).unwrap()
    }

    #[test]
    fn perfectly_correlated_asset_has_beta_and_no_residual() {
        let p = EwmaParams {
            lambda_fast: d("0.9"),
            lambda_slow: d("0.99"),
            period_secs: 3600,
        };
        let (mut a, mut r) = (Moments::default(), Moments::default());
        for i in 0..200 {
            let x = if i % 2 == 0 { d("0.01") } else { d("-0.012") };
            r.update(&p, x, Some(x)).unwrap();
            a.update(&p, mul_down(x, d("2")).unwrap(), Some(x)).unwrap();
        }
        let e = a.estimate(&p, &r).unwrap();
        let er = r.estimate(&p, &r).unwrap();
        assert!(
            (e.beta - d("2")).abs_diff(SignedDecimal::zero()) < cosmwasm_std::Decimal::permille(1)
        );
        assert!(e.resid_vol < d("0.001"), "resid {}", e.resid_vol);
        assert!(e.vol > er.vol);
    }

    #[test]
    fn fast_ewma_reacts_to_a_crash() {
        let p = EwmaParams {
            lambda_fast: d("0.96"),
            lambda_slow: d("0.99"),
            period_secs: 3600,
        };
        let mut m = Moments::default();
        for _ in 0..300 {
            m.update(&p, d("0.002"), None).unwrap();
        }
        let calm = m.estimate(&p, &m).unwrap().vol;
        m.update(&p, d("-0.1"), None).unwrap();
        let after = m.estimate(&p, &m).unwrap().vol;
        assert!(after > calm * d("4"), "calm {calm} after {after}");
        assert!(log_return(d("0"), d("1")).is_err());
        assert_eq!(log_return(d("2"), d("2")).unwrap(), SignedDecimal::zero());
    }
}
