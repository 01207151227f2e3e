//! Fixed-point transcendental functions on [`Q`], with stated precision.
//!
//! | function | domain | absolute error (checked against `f64` in tests) |
//! |---|---|---|
//! | `exp(x)` | x ≤ 15.9 (x < −27.7 gives 0) | ≤ 2⁻⁴⁰ relative + 1 ulp (≈ 2e-12 · eˣ) |
//! | `ln(x)` | x > 0 | ≤ 2e-12 |
//! | `sqrt(x)` | x ≥ 0 | ≤ 1 ulp (≈ 9.1e-13), rounded down |
//! | `norm_cdf(x)` | all x | ≤ 1e-11 (Hart 1968 / West 2005 rational form; 0 or 1 beyond ±7.5) |
//! | `norm_pdf(x)` | all x | ≤ 2e-12 |
//!
//! `exp` and `ln` reduce their argument with a 62-bit constant and evaluate their series in
//! 62-bit fixed point (`i128`), so the only loss is the final rounding to 40 bits.

use crate::error::{RiskError, RiskResult};
use crate::fixed::{FRAC, Q};

const F62: u32 = 62;
const ONE_62: i128 = 1 << F62;
const LN2_Q62: i128 = 3_196_577_161_300_663_914;
const LOG2E_Q62: i128 = 6_653_256_548_922_161_245;
const SQRT2_Q62: i128 = 6_521_908_912_666_391_106;

/// 1/k! for k = 16 down to 0 in Q62: Horner coefficients of the Taylor series of eʳ.
const EXP_COEFFS: [i128; 17] = {
    let mut c = [0i128; 17];
    let mut k = 0;
    let mut fact: i128 = 1;
    while k <= 16 {
        if k > 0 {
            fact *= k as i128;
        }
        c[16 - k] = ONE_62 / fact;
        k += 1;
    }
    c
};

/// 1/(2k+1) for k = 13 down to 0 in Q62: Horner coefficients of atanh(y)/y in y².
const LN_COEFFS: [i128; 14] = {
    let mut c = [0i128; 14];
    let mut k = 0;
    while k <= 13 {
        c[13 - k] = ONE_62 / (2 * k as i128 + 1);
        k += 1;
    }
    c
};

/// Largest input of `exp` whose result fits in `Q` (ln 2^23 ≈ 15.94).
pub const EXP_MAX: Q = Q::dec(159, 1);
/// Below this, eˣ is under half an ulp of `Q` and `exp` returns 0.
pub const EXP_MIN: Q = Q::dec(-277, 1);
/// 1/√(2π).
pub const INV_SQRT_2PI: Q = Q::dec(398_942_280_401_432_678, 18);

/// eˣ.
#[inline(never)]
pub fn exp(x: Q) -> RiskResult<Q> {
    if x > EXP_MAX {
        return Err(RiskError::Domain {
            function: "exp",
            value: x.to_decimal_floor().to_string(),
        });
    }
    if x < EXP_MIN {
        return Ok(Q::ZERO);
    }
    // n = floor(x · log2 e); r = x − n·ln 2 ∈ [0, ln 2) (to 2^-62).
    let x62 = (x.raw() as i128) << (F62 - FRAC);
    let n = ((x.raw() as i128) * LOG2E_Q62) >> (F62 + FRAC);
    let r = x62 - n * LN2_Q62;
    // Taylor series to degree 16 in Horner form, 62-bit fixed point: r < 0.7 so every
    // product stays below 2^126. Truncation error < r^17/17! < 1e-16.
    let mut p: i128 = EXP_COEFFS[0];
    for c in &EXP_COEFFS[1..] {
        p = c + ((p * r) >> F62);
    }
    // Scale by 2^n and return to 40 fractional bits (rounding down).
    let shift = (F62 - FRAC) as i128 - n;
    let raw = if shift >= 0 {
        if shift >= 127 {
            0
        } else {
            p >> shift
        }
    } else {
        p.checked_shl((-shift) as u32)
            .ok_or_else(|| RiskError::overflow("exp"))?
    };
    i64::try_from(raw)
        .map(Q::from_raw)
        .map_err(|_| RiskError::overflow("exp"))
}

/// Natural logarithm; x must be positive.
#[inline(never)]
pub fn ln(x: Q) -> RiskResult<Q> {
    if x.raw() <= 0 {
        return Err(RiskError::Domain {
            function: "ln",
            value: x.to_decimal_floor().to_string(),
        });
    }
    let raw = x.raw() as i128;
    let top = 127 - raw.leading_zeros() as i32; // index of the highest set bit
    let mut e = top - FRAC as i32;
    let mut m = raw << (F62 as i32 - top); // m ∈ [1, 2) in Q62
    if m > SQRT2_Q62 {
        m >>= 1; // m ∈ (√2/2, 1]
        e += 1;
    }
    // ln m = 2·atanh(y), y = (m−1)/(m+1) ∈ (−0.172, 0.172); the series in y² converges to
    // 2^-62 in 13 terms.
    let y = ((m - ONE_62) << F62) / (m + ONE_62);
    let y2 = (y * y) >> F62;
    let mut s: i128 = LN_COEFFS[0];
    for c in &LN_COEFFS[1..] {
        s = c + ((s * y2) >> F62);
    }
    let ln_m = (2 * y * s) >> F62;
    let total = (e as i128) * LN2_Q62 + ln_m;
    Ok(Q::from_raw((total >> (F62 - FRAC)) as i64))
}

/// √x, rounded down; x must be non-negative.
pub fn sqrt(x: Q) -> RiskResult<Q> {
    if x.is_negative() {
        return Err(RiskError::Domain {
            function: "sqrt",
            value: x.to_decimal_floor().to_string(),
        });
    }
    let root = ((x.raw() as u128) << FRAC).isqrt();
    // √(2^63 · 2^40) < 2^52: always fits.
    Ok(Q::from_raw(root as i64))
}

/// Standard normal density φ(x) = e^(−x²/2)/√(2π).
pub fn norm_pdf(x: Q) -> RiskResult<Q> {
    let ax = x.abs();
    if ax > Q::from_int(8) {
        return Ok(Q::ZERO);
    }
    let half_sq = ax.checked_mul(ax)?.shift(-1)?;
    exp(half_sq.negated())?.checked_mul(INV_SQRT_2PI)
}

// Hart (1968) algorithm 5666 as given by West (2005), "Better approximations to cumulative
// normal functions": N(−|x|) = e^(−x²/2) · P(|x|)/Q(|x|) for |x| < 7.07.
const HART_P: [Q; 7] = [
    Q::dec(352_624_965_998_911, 16),
    Q::dec(700_383_064_443_688, 15),
    Q::dec(637_396_220_353_165, 14),
    Q::dec(339_128_660_783_830, 13),
    Q::dec(112_079_291_497_871, 12),
    Q::dec(221_213_596_169_931, 12),
    Q::dec(220_206_867_912_376, 12),
];
const HART_Q: [Q; 8] = [
    Q::dec(883_883_476_483_184, 16),
    Q::dec(175_566_716_318_264, 14),
    Q::dec(160_641_775_792_070, 13),
    Q::dec(867_807_322_029_461, 13),
    Q::dec(296_564_248_779_674, 12),
    Q::dec(637_333_633_378_831, 12),
    Q::dec(793_826_512_519_948, 12),
    Q::dec(440_413_735_824_752, 12),
];
/// Beyond this |x|, N(−|x|) < 3.2e-14 is below Q's resolution: the tail is 0.
const CDF_CUTOFF: Q = Q::dec(75, 1);

fn horner(coeffs: &[Q], x: Q) -> RiskResult<Q> {
    let mut acc = Q::ZERO;
    for c in coeffs {
        acc = acc.checked_mul(x)?.checked_add(*c)?;
    }
    Ok(acc)
}

/// Standard normal cumulative distribution N(x).
pub fn norm_cdf(x: Q) -> RiskResult<Q> {
    let ax = x.abs();
    if ax >= CDF_CUTOFF {
        return norm_cdf_given_exp(x, Q::ZERO);
    }
    norm_cdf_given_exp(x, exp(ax.checked_mul(ax)?.shift(-1)?.negated())?)
}

/// N(x) when e^(−x²/2) is already known (Black-76 derives φ(d₂) from φ(d₁) without a
/// second `exp`). Same precision as [`norm_cdf`] given an exact `e`.
#[inline(never)]
pub fn norm_cdf_given_exp(x: Q, e: Q) -> RiskResult<Q> {
    let ax = x.abs();
    let tail = if ax >= CDF_CUTOFF {
        Q::ZERO
    } else {
        let num = horner(&HART_P, ax)?;
        let den = horner(&HART_Q, ax)?;
        e.checked_mul(num)?.checked_div(den)?
    };
    if x.is_negative() {
        Ok(tail)
    } else {
        Q::ONE.checked_sub(tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(v: f64) -> Q {
        Q::from_raw((v * (1u64 << FRAC) as f64).round() as i64)
    }

    /// Reference normal CDF in f64 (Hart's double-precision form, accurate to ~1e-15).
    fn cdf_ref(x: f64) -> f64 {
        0.5 * libm_erfc(-x / std::f64::consts::SQRT_2)
    }

    // erfc by a high-precision continued fraction / series, f64 only (test reference).
    fn libm_erfc(x: f64) -> f64 {
        if x < 0.0 {
            return 2.0 - libm_erfc(-x);
        }
        if x < 2.5 {
            // erf series: erf x = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
            let mut sum: f64 = 0.0;
            let mut term = x;
            let mut n = 0.0;
            while term.abs() > 1e-20 * sum.abs().max(1e-300) || n < 3.0 {
                sum += term / (2.0 * n + 1.0);
                n += 1.0;
                term *= -x * x / n;
                if n > 200.0 {
                    break;
                }
            }
            1.0 - 2.0 / std::f64::consts::PI.sqrt() * sum
        } else {
            // Lentz continued fraction for erfc.
            let mut f = x;
            let mut c = x;
            let mut d = 0.0;
            for k in 1..300 {
                let a = k as f64 / 2.0;
                d = x + a * d;
                d = 1.0 / d;
                c = x + a / c;
                let delta = c * d;
                f *= delta;
                if (delta - 1.0).abs() < 1e-16 {
                    break;
                }
            }
            (-x * x).exp() / f / std::f64::consts::PI.sqrt()
        }
    }

    #[test]
    fn reference_cdf_is_sane() {
        assert!((cdf_ref(0.0) - 0.5).abs() < 1e-15);
        assert!((cdf_ref(1.959963984540054) - 0.975).abs() < 1e-13);
        assert!((cdf_ref(-3.0) - 0.0013498980316301).abs() < 1e-14);
    }

    #[test]
    fn domain_errors() {
        assert!(exp(Q::from_int(16)).is_err());
        assert_eq!(exp(Q::from_int(-28)).unwrap(), Q::ZERO);
        assert!(ln(Q::ZERO).is_err());
        assert!(ln(Q::from_int(-1)).is_err());
        assert!(sqrt(Q::from_int(-1)).is_err());
        assert_eq!(norm_cdf(Q::from_int(-40)).unwrap(), Q::ZERO);
        assert_eq!(norm_cdf(Q::from_int(40)).unwrap(), Q::ONE);
        assert_eq!(exp(Q::ZERO).unwrap(), Q::ONE);
        assert_eq!(ln(Q::ONE).unwrap(), Q::ZERO);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn exp_matches_f64(x in -27.0f64..15.9) {
            let got = exp(q(x)).unwrap().to_f64();
            let want = q(x).to_f64().exp();
            prop_assert!((got - want).abs() <= 2e-12 * want.max(1.0), "exp({x}) = {got}, want {want}");
        }

        #[test]
        fn ln_matches_f64(x in 1e-11f64..8.0e6) {
            let qx = q(x);
            prop_assume!(qx.raw() > 0);
            let got = ln(qx).unwrap().to_f64();
            let want = qx.to_f64().ln();
            prop_assert!((got - want).abs() <= 2e-12, "ln({x}) = {got}, want {want}");
        }

        #[test]
        fn sqrt_matches_f64(x in 0.0f64..8.0e6) {
            let got = sqrt(q(x)).unwrap().to_f64();
            let want = q(x).to_f64().sqrt();
            prop_assert!((got - want).abs() <= 1.0e-12 * want.max(1.0), "sqrt({x}) = {got}, want {want}");
        }

        #[test]
        fn cdf_matches_f64(x in -40.0f64..40.0) {
            let got = norm_cdf(q(x)).unwrap().to_f64();
            let want = cdf_ref(q(x).to_f64());
            prop_assert!((got - want).abs() <= 1e-11, "N({x}) = {got}, want {want}");
        }

        #[test]
        fn pdf_matches_f64(x in -40.0f64..40.0) {
            let xf = q(x).to_f64();
            let got = norm_pdf(q(x)).unwrap().to_f64();
            let want = (-xf * xf / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
            prop_assert!((got - want).abs() <= 2e-12, "phi({x}) = {got}, want {want}");
        }

        #[test]
        fn cdf_symmetry(x in -10.0f64..10.0) {
            let a = norm_cdf(q(x)).unwrap();
            let b = norm_cdf(q(x).negated()).unwrap();
            prop_assert!((a.checked_add(b).unwrap().to_f64() - 1.0).abs() <= 2e-12);
        }
    }
}
