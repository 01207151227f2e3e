//! Black-76 on the forward, normalised: prices and Greeks per unit of forward, so the
//! kernel only sees dimensionless numbers of moderate size. Rates are zero (crypto
//! convention, as on Deribit): the forward is the index and nothing is discounted.
//!
//! With k = K/F, s = σ√τ, d₁ = (−ln k)/s + s/2, d₂ = d₁ − s:
//! call/F = N(d₁) − k·N(d₂), put/F = k·N(−d₂) − N(−d₁),
//! Δ_call = N(d₁), Δ_put = N(d₁) − 1, Γ·F = φ(d₁)/s, vega/F = φ(d₁)·√τ (per 1.00 of σ).

use serde::{Deserialize, Serialize};

use crate::error::RiskResult;
use crate::fixed::Q;
use crate::math::{exp, ln, norm_cdf, norm_cdf_given_exp, norm_pdf, sqrt};

#[derive(Serialize, Deserialize, schemars::JsonSchema, Copy, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    Call,
    Put,
}

/// Price and Greeks of one option per unit of forward.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Premium ÷ F.
    pub price: Q,
    /// ∂V/∂F.
    pub delta: Q,
    /// Γ·F (∂²V/∂F² times F).
    pub gamma_f: Q,
    /// Vega ÷ F, per 1.00 (100 vol points) of σ.
    pub vega_f: Q,
}

/// Below this σ√τ (1e-9) the option is worth its intrinsic value.
const MIN_STDDEV: Q = Q::from_raw(1100);
/// |ln k| / s beyond this puts d₁ and d₂ deep in the tails (N = 0 or 1 to 2^-40).
const MAX_MONEYNESS_SIGMAS: i32 = 40;

fn intrinsic(kind: OptionKind, k: Q) -> RiskResult<Quote> {
    let (price, delta) = match kind {
        OptionKind::Call if k < Q::ONE => (Q::ONE.checked_sub(k)?, Q::ONE),
        OptionKind::Put if k > Q::ONE => (k.checked_sub(Q::ONE)?, Q::ONE.negated()),
        _ => (Q::ZERO, Q::ZERO),
    };
    Ok(Quote {
        price,
        delta,
        gamma_f: Q::ZERO,
        vega_f: Q::ZERO,
    })
}

/// Black-76 quote for strike/forward `k`, volatility `sigma` (annualised) and time to
/// expiry `tau` (years). All inputs must be positive (checked by the caller's validation;
/// here `k ≤ 0` is a domain error from `ln`).
#[inline(never)]
pub fn quote(kind: OptionKind, k: Q, sigma: Q, tau: Q) -> RiskResult<Quote> {
    let sqrt_tau = sqrt(tau)?;
    let s = sigma.checked_mul(sqrt_tau)?;
    let ln_k = ln(k)?;
    if s < MIN_STDDEV || ln_k.abs() > s.checked_mul(Q::from_int(MAX_MONEYNESS_SIGMAS))? {
        return intrinsic(kind, k);
    }
    let d1 = ln_k.negated().checked_div(s)?.checked_add(s.shift(-1)?)?;
    let d2 = d1.checked_sub(s)?;
    let n_d1 = norm_cdf(d1)?;
    let pdf = norm_pdf(d1)?;
    let (price, delta) = match kind {
        OptionKind::Call => {
            let p = n_d1.checked_sub(k.checked_mul(norm_cdf(d2)?)?)?;
            (p, n_d1)
        }
        OptionKind::Put => {
            let p = k
                .checked_mul(norm_cdf(d2.negated())?)?
                .checked_sub(norm_cdf(d1.negated())?)?;
            (p, n_d1.checked_sub(Q::ONE)?)
        }
    };
    Ok(Quote {
        // Truncation can leave a deep out-of-the-money price a few ulps below zero.
        price: price.max(Q::ZERO),
        delta,
        gamma_f: pdf.checked_div(s)?,
        vega_f: pdf.checked_mul(sqrt_tau)?,
    })
}

/// Premium ÷ F only (the scenario grid's hot path): `ln_k` = ln(k) and `s` = σ√τ are
/// passed in, and φ(d₂) comes from φ(d₁)/k, so one `exp` serves both tails.
#[inline(never)]
pub fn price(kind: OptionKind, k: Q, ln_k: Q, s: Q) -> RiskResult<Q> {
    if s < MIN_STDDEV || ln_k.abs() > s.checked_mul(Q::from_int(MAX_MONEYNESS_SIGMAS))? {
        return Ok(intrinsic(kind, k)?.price);
    }
    let d1 = ln_k.negated().checked_div(s)?.checked_add(s.shift(-1)?)?;
    let d2 = d1.checked_sub(s)?;
    let half_sq = |d: Q| -> RiskResult<Q> { Ok(d.checked_mul(d)?.shift(-1)?.negated()) };
    let e1 = exp(half_sq(d1)?.max(crate::math::EXP_MIN))?;
    // e^(−d₂²/2) = e^(−d₁²/2)/k; when e₁ has underflowed, compute it directly.
    let e2 = if e1 > Q::from_raw(1 << 20) {
        e1.checked_div(k)?
    } else {
        exp(half_sq(d2)?.max(crate::math::EXP_MIN))?
    };
    let p = match kind {
        OptionKind::Call => {
            norm_cdf_given_exp(d1, e1)?.checked_sub(k.checked_mul(norm_cdf_given_exp(d2, e2)?)?)?
        }
        OptionKind::Put => k
            .checked_mul(norm_cdf_given_exp(d2.negated(), e2)?)?
            .checked_sub(norm_cdf_given_exp(d1.negated(), e1)?)?,
    };
    Ok(p.max(Q::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(v: f64) -> Q {
        Q::from_raw((v * (1u64 << crate::fixed::FRAC) as f64).round() as i64)
    }

    fn n(x: f64) -> f64 {
        // Test-only reference: erfc via the complementary error function series in math tests
        // is private there; use the Zelen–Severo-free route: integrate with Simpson on [−12, x].
        if x < -12.0 {
            return 0.0;
        }
        let steps = 20_000;
        let a = -12.0;
        let h = (x - a) / steps as f64;
        let f = |t: f64| (-t * t / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let mut s = f(a) + f(x);
        for i in 1..steps {
            let t = a + i as f64 * h;
            s += if i % 2 == 1 { 4.0 * f(t) } else { 2.0 * f(t) };
        }
        s * h / 3.0
    }

    fn reference(kind: OptionKind, k: f64, sigma: f64, tau: f64) -> (f64, f64, f64, f64) {
        let s = sigma * tau.sqrt();
        let d1 = -k.ln() / s + s / 2.0;
        let d2 = d1 - s;
        let pdf = (-d1 * d1 / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let (p, d) = match kind {
            OptionKind::Call => (n(d1) - k * n(d2), n(d1)),
            OptionKind::Put => (k * n(-d2) - n(-d1), n(d1) - 1.0),
        };
        (p, d, pdf / s, pdf * tau.sqrt())
    }

    #[test]
    fn atm_call_textbook_value() {
        // ATM, σ = 80 %, τ = 0.25: s = 0.4, price/F = 2N(0.2) − 1 = 0.158519...
        let got = quote(OptionKind::Call, Q::ONE, q(0.8), q(0.25)).unwrap();
        assert!((got.price.to_f64() - 0.158_519_418_878_2).abs() < 1e-10);
        assert!((got.delta.to_f64() - 0.579_259_709_439_1).abs() < 1e-10);
    }

    #[test]
    fn expiry_is_intrinsic() {
        let c = quote(OptionKind::Call, q(0.9), q(0.5), Q::ZERO).unwrap();
        assert!((c.price.to_f64() - 0.1).abs() < 1e-11);
        assert_eq!(c.delta, Q::ONE);
        let p = quote(OptionKind::Put, q(0.9), q(0.5), Q::ZERO).unwrap();
        assert_eq!(p.price, Q::ZERO);
    }

    #[test]
    fn bad_strike_is_error() {
        assert!(quote(OptionKind::Call, Q::ZERO, q(0.5), q(0.1)).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn black76_matches_f64_reference(
            k in 0.3f64..3.0, sigma in 0.05f64..3.0, tau in 0.001f64..2.0, call in any::<bool>()
        ) {
            let kind = if call { OptionKind::Call } else { OptionKind::Put };
            let (qk, qs, qt) = (q(k), q(sigma), q(tau));
            let got = quote(kind, qk, qs, qt).unwrap();
            let (p, d, g, v) = reference(kind, qk.to_f64(), qs.to_f64(), qt.to_f64());
            prop_assert!((got.price.to_f64() - p).abs() < 1e-9, "price {} vs {}", got.price.to_f64(), p);
            prop_assert!((got.delta.to_f64() - d).abs() < 1e-9, "delta {} vs {}", got.delta.to_f64(), d);
            prop_assert!((got.gamma_f.to_f64() - g).abs() < 1e-9 * g.max(1.0), "gamma {} vs {}", got.gamma_f.to_f64(), g);
            prop_assert!((got.vega_f.to_f64() - v).abs() < 1e-9, "vega {} vs {}", got.vega_f.to_f64(), v);
        }

        #[test]
        fn fast_price_matches_quote(
            k in 0.3f64..3.0, sigma in 0.02f64..3.0, tau in 0.0f64..2.0, call in any::<bool>()
        ) {
            let kind = if call { OptionKind::Call } else { OptionKind::Put };
            let (qk, qs, qt) = (q(k), q(sigma), q(tau));
            let full = quote(kind, qk, qs, qt).unwrap().price;
            let s = qs.checked_mul(sqrt(qt).unwrap()).unwrap();
            let fast = price(kind, qk, ln(qk).unwrap(), s).unwrap();
            prop_assert!((full.to_f64() - fast.to_f64()).abs() < 1e-10, "{} vs {}", full.to_f64(), fast.to_f64());
        }

        #[test]
        fn put_call_parity(k in 0.2f64..5.0, sigma in 0.01f64..5.0, tau in 0.0f64..3.0) {
            let (qk, qs, qt) = (q(k), q(sigma), q(tau));
            let c = quote(OptionKind::Call, qk, qs, qt).unwrap();
            let p = quote(OptionKind::Put, qk, qs, qt).unwrap();
            // C − P = F − K  ⇔  c − p = 1 − k (per unit of forward)
            let lhs = c.price.to_f64() - p.price.to_f64();
            prop_assert!((lhs - (1.0 - qk.to_f64())).abs() < 3e-11, "parity off by {}", lhs - (1.0 - qk.to_f64()));
            prop_assert!((c.delta.to_f64() - p.delta.to_f64() - 1.0).abs() < 2e-12 || c.gamma_f == Q::ZERO);
        }
    }
}
