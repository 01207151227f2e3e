//! The arithmetic on submitted prices, total over every `Decimal` a feeder can send: the
//! median, the distance test against the jump bound, and the log return the volatility
//! sampler folds in. None of them can overflow or panic, whatever one feeder submits
//! (`Decimal::MAX` included), so no value from one source can abort a push of the others.

use ballast_risk::vol::log_return;
use cosmwasm_std::{Decimal, SignedDecimal, Uint128};

use crate::error::{ContractError, ContractResult};

/// The largest one-period price ratio (either way) a volatility sample counts: a move
/// beyond a factor of 10⁶ counts as 10⁶ (|ln| ≈ 13.8, already an absurd volatility). Keeps
/// the ratio inside the engine's fixed-point range (2²³) so sampling never fails.
pub const MAX_SAMPLE_RATIO: Decimal = Decimal::raw(1_000_000 * 10u128.pow(18));
/// 1 / [`MAX_SAMPLE_RATIO`] = 10⁻⁶.
pub const MIN_SAMPLE_RATIO: Decimal = Decimal::raw(10u128.pow(12));

/// Median of prices sorted ascending. Odd count: the middle one. Even count: the mean of
/// the middle two, rounded down to 10⁻¹⁸ — computed as ⌊a/2⌋ + ⌊b/2⌋ + ⌊(a mod 2 + b mod 2)/2⌋
/// on the 10⁻¹⁸ atomics, which equals ⌊(a + b)/2⌋ exactly and never forms a + b (so two
/// prices near `Decimal::MAX` do not overflow). `None` for no prices.
pub fn median_of(sorted: &[Decimal]) -> Option<Decimal> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        return sorted.get(n / 2).copied();
    }
    let a = sorted.get(n / 2 - 1)?.atomics().u128();
    let b = sorted.get(n / 2)?.atomics().u128();
    // Each half is at most (2¹²⁸ − 1)/2 rounded down, so the sum fits; checked anyway.
    let mean = (a / 2)
        .checked_add(b / 2)?
        .checked_add((a % 2 + b % 2) / 2)?;
    Some(Decimal::new(Uint128::new(mean)))
}

/// Whether `price` lies within `max_jump` of `reference`: |price − reference| ≤
/// reference · max_jump, the product rounded down (so the bound is never wider than
/// stated; rounding goes against the price that moved). If the product overflows, the bound
/// exceeds every `Decimal` and so the difference, which is at most `Decimal::MAX`: within.
pub fn within(price: Decimal, reference: Decimal, max_jump: Decimal) -> bool {
    let diff = price.abs_diff(reference);
    match reference.checked_mul(max_jump) {
        Ok(bound) => diff <= bound,
        Err(_) => true,
    }
}

/// How many of `prices` (one per distinct feeder) lie within `max_jump` of `target`.
pub fn support(prices: &[Decimal], target: Decimal, max_jump: Decimal) -> usize {
    prices
        .iter()
        .filter(|p| within(**p, target, max_jump))
        .count()
}

/// ln(now / prev) for positive prices, with the ratio rounded down to 10⁻¹⁸ (as the engine's
/// `log_return` rounds it) and clamped to [10⁻⁶, 10⁶] (see [`MAX_SAMPLE_RATIO`]); a ratio
/// that overflows `Decimal` counts as 10⁶, one that rounds to zero as 10⁻⁶.
pub fn bounded_log_return(
    asset: &str,
    prev: Decimal,
    now: Decimal,
) -> ContractResult<SignedDecimal> {
    if prev.is_zero() || now.is_zero() {
        return Err(ContractError::ZeroPrice {
            asset: asset.to_string(),
        });
    }
    let ratio = now
        .checked_div(prev)
        .unwrap_or(MAX_SAMPLE_RATIO)
        .clamp(MIN_SAMPLE_RATIO, MAX_SAMPLE_RATIO);
    // In [10⁻⁶, 10⁶]: representable as a signed decimal and in the engine's range.
    let ratio = SignedDecimal::try_from(ratio).map_err(|_| ContractError::Overflow {
        asset: asset.to_string(),
        what: format!("price ratio {ratio} as a signed decimal"),
    })?;
    Ok(log_return(SignedDecimal::one(), ratio)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median_of(&[]), None);
        assert_eq!(median_of(&[d("5")]), Some(d("5")));
        assert_eq!(median_of(&[d("1"), d("5"), d("9")]), Some(d("5")));
        assert_eq!(median_of(&[d("100"), d("102")]), Some(d("101")));
        // Rounded down at 10⁻¹⁸: (1 + 2)·10⁻¹⁸ / 2 = 1.5·10⁻¹⁸ → 1·10⁻¹⁸.
        let (one, two) = (Decimal::raw(1), Decimal::raw(2));
        assert_eq!(median_of(&[one, two]), Some(one));
        // Two odd atomics: ⌊(3 + 5)/2⌋ = 4, where ⌊3/2⌋ + ⌊5/2⌋ alone would give 3.
        assert_eq!(
            median_of(&[Decimal::raw(3), Decimal::raw(5)]),
            Some(Decimal::raw(4))
        );
    }

    #[test]
    fn median_of_extremes_does_not_overflow() {
        let max = Decimal::MAX;
        assert_eq!(median_of(&[max, max]), Some(max));
        let below = Decimal::new(max.atomics() - Uint128::one());
        assert_eq!(median_of(&[below, max]), Some(below), "rounded down");
        let m = median_of(&[d("60000"), max]).unwrap();
        // 60000·10¹⁸ is even and MAX's atomics odd: ⌊(a + b)/2⌋ = a/2 + ⌊b/2⌋.
        assert_eq!(
            m.atomics().u128(),
            d("60000").atomics().u128() / 2 + max.atomics().u128() / 2
        );
    }

    #[test]
    fn within_is_total_and_rounds_against_the_mover() {
        let j = d("0.1");
        assert!(within(d("110"), d("100"), j), "exactly at the bound");
        assert!(within(d("90"), d("100"), j));
        assert!(!within(d("110.000000000000000001"), d("100"), j));
        assert!(!within(Decimal::MAX, d("60000"), j));
        assert!(!within(d("60000"), Decimal::MAX, j));
        assert!(!within(Decimal::MAX, Decimal::raw(1), j));
        // reference · max_jump overflows: the bound exceeds every decimal.
        assert!(within(d("1"), Decimal::MAX, d("10")));
        assert!(within(Decimal::MAX, Decimal::MAX, j));
        assert_eq!(
            support(&[d("60000"), d("120000")], d("90000"), j),
            0,
            "the mean of a liar and an honest feeder is supported by neither"
        );
        assert_eq!(support(&[d("95"), d("100"), d("1000")], d("100"), j), 2);
    }

    #[test]
    fn log_return_of_any_prices_is_bounded_and_never_fails() {
        let exact = log_return(
            SignedDecimal::from_str("100").unwrap(),
            SignedDecimal::from_str("101").unwrap(),
        )
        .unwrap();
        assert_eq!(
            bounded_log_return("BTC", d("100"), d("101")).unwrap(),
            exact,
            "inside the clamp: the engine's own return"
        );
        let cap = bounded_log_return("BTC", d("1"), d("1000000")).unwrap();
        for (prev, now) in [
            (Decimal::raw(1), Decimal::MAX),
            (d("1"), Decimal::MAX),
            (d("60000"), Decimal::MAX),
        ] {
            assert_eq!(bounded_log_return("BTC", prev, now).unwrap(), cap);
        }
        let floor = bounded_log_return("BTC", d("1000000"), d("1")).unwrap();
        assert!(floor < SignedDecimal::zero());
        assert_eq!(
            bounded_log_return("BTC", Decimal::MAX, Decimal::raw(1)).unwrap(),
            floor
        );
        assert!(matches!(
            bounded_log_return("BTC", Decimal::zero(), d("1")),
            Err(ContractError::ZeroPrice { .. })
        ));
    }
}
