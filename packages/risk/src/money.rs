//! Money arithmetic on `SignedDecimal` with the rounding direction chosen by the caller:
//! `_up` rounds towards +∞ (requirements, debts), `_down` towards −∞ (equity, credits).

use cosmwasm_std::{Int128, Int256, SignedDecimal};

use crate::error::{RiskError, RiskResult};
use crate::fixed::{FRAC, Q};

const SCALE: i128 = 1_000_000_000_000_000_000;

/// Floor or ceiling of n / d for d > 0.
fn div_round(n: i128, d: i128, up: bool) -> i128 {
    let q = n.div_euclid(d); // floor for d > 0
    if up && q * d != n {
        q + 1
    } else {
        q
    }
}

fn wide_div_round(n: Int256, d: Int256, up: bool) -> RiskResult<Int256> {
    let q = n
        .checked_div(d)
        .map_err(|_| RiskError::overflow("money div"))?;
    let exact = q * d == n;
    // Int256 division truncates towards zero: adjust to floor / ceiling.
    Ok(match (exact, n.is_negative(), up) {
        (true, _, _) => q,
        (false, true, false) => q - Int256::one(),
        (false, false, true) => q + Int256::one(),
        _ => q,
    })
}

fn narrow(v: Int256, ctx: &'static str) -> RiskResult<SignedDecimal> {
    Int128::try_from(v)
        .map(SignedDecimal::new)
        .map_err(|_| RiskError::overflow(ctx))
}

fn mul(a: SignedDecimal, b: SignedDecimal, up: bool) -> RiskResult<SignedDecimal> {
    let (x, y) = (a.atomics().i128(), b.atomics().i128());
    match x.checked_mul(y) {
        Some(p) => Ok(SignedDecimal::new(Int128::new(div_round(p, SCALE, up)))),
        None => {
            let p = Int256::from(x) * Int256::from(y); // |x·y| < 2^254: cannot overflow
            narrow(wide_div_round(p, Int256::from(SCALE), up)?, "money mul")
        }
    }
}

/// a × b rounded towards +∞.
pub fn mul_up(a: SignedDecimal, b: SignedDecimal) -> RiskResult<SignedDecimal> {
    mul(a, b, true)
}

/// a × b rounded towards −∞.
pub fn mul_down(a: SignedDecimal, b: SignedDecimal) -> RiskResult<SignedDecimal> {
    mul(a, b, false)
}

fn mul_q(a: SignedDecimal, q: Q, up: bool) -> RiskResult<SignedDecimal> {
    let (x, y) = (a.atomics().i128(), q.raw() as i128);
    match x.checked_mul(y) {
        Some(p) => {
            let floor = p >> FRAC;
            let v = if up && (floor << FRAC) != p {
                floor + 1
            } else {
                floor
            };
            Ok(SignedDecimal::new(Int128::new(v)))
        }
        None => {
            let p = Int256::from(x) * Int256::from(y);
            narrow(
                wide_div_round(p, Int256::from(1i128 << FRAC), up)?,
                "money × fraction",
            )
        }
    }
}

/// money × fixed-point fraction, rounded towards +∞.
pub fn mul_q_up(a: SignedDecimal, q: Q) -> RiskResult<SignedDecimal> {
    mul_q(a, q, true)
}

/// money × fixed-point fraction, rounded towards −∞.
pub fn mul_q_down(a: SignedDecimal, q: Q) -> RiskResult<SignedDecimal> {
    mul_q(a, q, false)
}

/// a ÷ b for b > 0, rounded towards −∞.
pub fn div_down(a: SignedDecimal, b: SignedDecimal) -> RiskResult<SignedDecimal> {
    if b <= SignedDecimal::zero() {
        return Err(RiskError::Domain {
            function: "money div",
            value: b.to_string(),
        });
    }
    let n = Int256::from(a.atomics().i128()) * Int256::from(SCALE);
    narrow(
        wide_div_round(n, Int256::from(b.atomics().i128()), false)?,
        "money div",
    )
}

/// −a (checked: −MIN does not exist).
pub fn neg(a: SignedDecimal) -> RiskResult<SignedDecimal> {
    SignedDecimal::zero()
        .checked_sub(a)
        .map_err(|_| RiskError::overflow("money neg"))
}

/// |a| (checked).
pub fn abs(a: SignedDecimal) -> RiskResult<SignedDecimal> {
    if a.is_negative() {
        neg(a)
    } else {
        Ok(a)
    }
}

/// a ÷ b for b > 0, rounded towards −∞, saturating at ±MAX instead of overflowing: for
/// ratios shown in reports (health, efficiency) whose divisor can be dust.
pub fn ratio_down(a: SignedDecimal, b: SignedDecimal) -> RiskResult<SignedDecimal> {
    match div_down(a, b) {
        Err(RiskError::Overflow { .. }) if a.is_negative() => Ok(SignedDecimal::MIN),
        Err(RiskError::Overflow { .. }) => Ok(SignedDecimal::MAX),
        other => other,
    }
}

pub fn add(a: SignedDecimal, b: SignedDecimal) -> RiskResult<SignedDecimal> {
    a.checked_add(b)
        .map_err(|_| RiskError::overflow("money add"))
}

pub fn sub(a: SignedDecimal, b: SignedDecimal) -> RiskResult<SignedDecimal> {
    a.checked_sub(b)
        .map_err(|_| RiskError::overflow("money sub"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> SignedDecimal {
        SignedDecimal::from_str(s).unwrap()
    }

    #[test]
    fn rounding_directions() {
        let third = div_down(d("1"), d("3")).unwrap();
        assert_eq!(third, d("0.333333333333333333"));
        assert_eq!(
            mul_up(d("0.000000000000000001"), d("0.5")).unwrap(),
            d("0.000000000000000001")
        );
        assert_eq!(
            mul_down(d("0.000000000000000001"), d("0.5")).unwrap(),
            d("0")
        );
        assert_eq!(
            mul_down(d("-0.000000000000000001"), d("0.5")).unwrap(),
            d("-0.000000000000000001")
        );
        assert_eq!(
            mul_up(d("-0.000000000000000001"), d("0.5")).unwrap(),
            d("0")
        );
    }

    #[test]
    fn wide_path_and_overflow() {
        // 1e10 × 1e9 needs the 256-bit path (atomics product > 2^127) and fits the result.
        assert_eq!(
            mul_up(d("10000000000"), d("1000000000")).unwrap(),
            d("10000000000000000000")
        );
        assert!(mul_up(d("100000000000"), d("10000000000")).is_err());
        assert!(mul_q_up(SignedDecimal::MAX, Q::from_int(2)).is_err());
        assert_eq!(mul_q_down(d("3"), Q::HALF).unwrap(), d("1.5"));
        assert!(div_down(d("1"), d("0")).is_err());
        let dust = SignedDecimal::new(cosmwasm_std::Int128::new(1));
        assert!(div_down(d("1000000"), dust).is_err());
        assert_eq!(ratio_down(d("1000000"), dust).unwrap(), SignedDecimal::MAX);
        assert_eq!(ratio_down(d("-1000000"), dust).unwrap(), SignedDecimal::MIN);
        assert_eq!(ratio_down(d("3"), d("2")).unwrap(), d("1.5"));
        assert!(add(SignedDecimal::MAX, d("1")).is_err());
    }
}
