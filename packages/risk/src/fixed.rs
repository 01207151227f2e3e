//! `Q`: the engine's binary fixed-point number for dimensionless math (moves, volatilities,
//! option prices per unit of forward).
//!
//! Money never lives here: money is `cosmwasm_std::SignedDecimal` (18 decimals). `Q` exists
//! for speed: an `i64` with 40 fractional bits multiplies with one widening multiply and a
//! shift (2.2 ns measured) where `SignedDecimal::checked_mul` goes through 256-bit division
//! (47.5 ns). The scenario grid prices thousands of options per second, so the kernels
//! (`exp`, `ln`, normal CDF, Black-76) run in `Q` and convert once at the boundary.
//!
//! Range: |x| < 2^23 ≈ 8.4 million. Resolution: 2^-40 ≈ 9.1e-13. Every operation is checked
//! and reports overflow as an error. Multiplication and division truncate towards negative
//! infinity (an arithmetic shift); callers that turn a `Q` into money choose the rounding.

use cosmwasm_std::{Int128, SignedDecimal};

use crate::error::{RiskError, RiskResult};

/// Number of fractional bits.
pub const FRAC: u32 = 40;
const ONE_RAW: i64 = 1 << FRAC;
/// 10^18: the atomics scale of cosmwasm-std decimals.
const DEC_SCALE: i128 = 1_000_000_000_000_000_000;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Q(i64);

impl Q {
    pub const ZERO: Q = Q(0);
    pub const ONE: Q = Q(ONE_RAW);
    pub const HALF: Q = Q(ONE_RAW / 2);
    pub const MAX: Q = Q(i64::MAX);
    pub const MIN: Q = Q(i64::MIN);

    pub const fn from_raw(raw: i64) -> Q {
        Q(raw)
    }

    pub const fn raw(self) -> i64 {
        self.0
    }

    pub const fn from_int(n: i32) -> Q {
        Q((n as i64) << FRAC)
    }

    /// `m · 10^-p`, rounded towards zero: decimal literals for constants without floats.
    pub const fn dec(m: i128, p: u32) -> Q {
        Q(((m << FRAC) / 10i128.pow(p)) as i64)
    }

    /// `num / den` rounded down; `den` must be non-zero (a const helper for coefficients).
    pub const fn ratio(num: i64, den: i64) -> Q {
        Q((((num as i128) << FRAC) / den as i128) as i64)
    }

    pub fn checked_add(self, o: Q) -> RiskResult<Q> {
        self.0
            .checked_add(o.0)
            .map(Q)
            .ok_or_else(|| RiskError::overflow("fixed add"))
    }

    pub fn checked_sub(self, o: Q) -> RiskResult<Q> {
        self.0
            .checked_sub(o.0)
            .map(Q)
            .ok_or_else(|| RiskError::overflow("fixed sub"))
    }

    /// Product, truncated towards negative infinity.
    pub fn checked_mul(self, o: Q) -> RiskResult<Q> {
        let wide = (self.0 as i128) * (o.0 as i128);
        i64::try_from(wide >> FRAC)
            .map(Q)
            .map_err(|_| RiskError::overflow("fixed mul"))
    }

    /// Quotient, truncated towards zero. Division by zero is an error.
    pub fn checked_div(self, o: Q) -> RiskResult<Q> {
        if o.0 == 0 {
            return Err(RiskError::Domain {
                function: "fixed div",
                value: "0".to_string(),
            });
        }
        let wide = ((self.0 as i128) << FRAC) / (o.0 as i128);
        i64::try_from(wide)
            .map(Q)
            .map_err(|_| RiskError::overflow("fixed div"))
    }

    pub fn negated(self) -> Q {
        // i64::MIN never arises from checked arithmetic on valid inputs; saturate defensively.
        Q(self.0.checked_neg().unwrap_or(i64::MAX))
    }

    pub fn abs(self) -> Q {
        Q(self.0.checked_abs().unwrap_or(i64::MAX))
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Multiply by 2^k (k may be negative: a right shift, rounding down).
    pub fn shift(self, k: i32) -> RiskResult<Q> {
        if k >= 0 {
            let k = k as u32;
            if k >= 63 {
                return if self.0 == 0 {
                    Ok(Q::ZERO)
                } else {
                    Err(RiskError::overflow("fixed shift"))
                };
            }
            self.0
                .checked_mul(1i64 << k)
                .map(Q)
                .ok_or_else(|| RiskError::overflow("fixed shift"))
        } else {
            let k = (-k) as u32;
            Ok(Q(if k >= 63 { self.0 >> 63 } else { self.0 >> k }))
        }
    }

    /// Exact conversion from a decimal, rounded down to the nearest 2^-40.
    pub fn from_decimal(d: SignedDecimal) -> RiskResult<Q> {
        let atoms = d.atomics().i128();
        // atoms * 2^40 fits in i128 for every SignedDecimal (|atoms| < 2^127 / 2^40 is not
        // guaranteed), so check the multiply.
        let scaled = atoms
            .checked_mul(ONE_RAW as i128)
            .ok_or_else(|| RiskError::overflow("decimal to fixed"))?;
        let q = scaled.div_euclid(DEC_SCALE);
        i64::try_from(q)
            .map(Q)
            .map_err(|_| RiskError::overflow("decimal to fixed"))
    }

    /// Conversion to a decimal, rounded down (towards negative infinity) at 10^-18.
    pub fn to_decimal_floor(self) -> SignedDecimal {
        let scaled = (self.0 as i128) * DEC_SCALE; // |.| < 2^63 * 2^60: fits
        SignedDecimal::new(Int128::new(scaled >> FRAC))
    }

    /// Conversion to a decimal, rounded up (towards positive infinity) at 10^-18.
    pub fn to_decimal_ceil(self) -> SignedDecimal {
        let scaled = (self.0 as i128) * DEC_SCALE;
        let floor = scaled >> FRAC;
        let exact = (floor << FRAC) == scaled;
        SignedDecimal::new(Int128::new(if exact { floor } else { floor + 1 }))
    }

    /// For this crate's tests against `f64` references only: compiled out of the library.
    #[cfg(test)]
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / ONE_RAW as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimal_round_trip_and_rounding() {
        let d = SignedDecimal::from_str("-1.5").unwrap();
        let q = Q::from_decimal(d).unwrap();
        assert_eq!(q, Q::from_int(-3).shift(-1).unwrap());
        assert_eq!(q.to_decimal_floor(), d);
        // 0.1 is not a binary fraction: floor and ceil bracket it by one atom of 2^-40.
        let tenth = Q::from_decimal(SignedDecimal::from_str("0.1").unwrap()).unwrap();
        assert!(tenth.to_decimal_floor() < SignedDecimal::from_str("0.1").unwrap());
        assert!(tenth.to_decimal_ceil() > tenth.to_decimal_floor());
    }

    #[test]
    fn range_limits_are_errors_not_panics() {
        let big = Q::from_int(1 << 22);
        assert!(big.checked_mul(big).is_err());
        assert!(Q::MAX.checked_add(Q::ONE).is_err());
        assert!(Q::MIN.checked_sub(Q::ONE).is_err());
        assert!(Q::ONE.checked_div(Q::ZERO).is_err());
        assert!(Q::MAX.checked_div(Q::from_raw(1)).is_err());
        assert!(Q::from_decimal(SignedDecimal::MAX).is_err());
        assert!(Q::from_decimal(SignedDecimal::from_str("8000000").unwrap()).is_ok());
        assert!(Q::from_decimal(SignedDecimal::from_str("9000000").unwrap()).is_err());
        assert!(Q::ONE.shift(70).is_err());
        assert_eq!(Q::ZERO.shift(70).unwrap(), Q::ZERO);
    }

    #[test]
    fn mul_div_truncate_as_documented() {
        let third = Q::ONE.checked_div(Q::from_int(3)).unwrap();
        assert!(third.checked_mul(Q::from_int(3)).unwrap() < Q::ONE);
        let neg = Q::from_raw(-3).checked_mul(Q::HALF).unwrap();
        assert_eq!(neg.raw(), -2, "mul rounds towards negative infinity");
    }
}
