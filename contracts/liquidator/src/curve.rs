//! The price curve. The factor f(t) starts at `buf` and falls to `cusp`; the price of a
//! lot is `value − (1 − f) · gross`, so a lot opens above its mark and becomes a bargain
//! only as time passes (MakerDAO's Liquidations 2.0 after the zero bids of 12 March 2020).

use cosmwasm_std::{Decimal, SignedDecimal};

use ballast_types::liquidator::{Curve, CurveConfig};

use crate::error::{ContractError, ContractResult};

pub fn validate(c: &CurveConfig) -> ContractResult<()> {
    let bad = |reason: &str| {
        Err(ContractError::InvalidCurve {
            reason: reason.into(),
        })
    };
    if c.buf < Decimal::one() || c.buf > Decimal::percent(200) {
        return bad("buf must lie in [1, 2]");
    }
    if c.cusp.is_zero() || c.cusp >= Decimal::one() {
        return bad("cusp must lie in (0, 1)");
    }
    if c.tail_secs == 0 {
        return bad("tail_secs must be positive");
    }
    if let Curve::Exponential { step_secs, cut } = &c.curve {
        if *step_secs == 0 || cut.is_zero() || *cut >= Decimal::one() {
            return bad("exponential steps need step_secs > 0 and cut in (0, 1)");
        }
    }
    Ok(())
}

/// The factor `elapsed` seconds into a run, and whether the run is over (past the tail or
/// under the cusp: only a redo moves the lot on).
pub fn factor(c: &CurveConfig, elapsed: u64) -> ContractResult<(Decimal, bool)> {
    if elapsed >= c.tail_secs {
        return Ok((c.cusp, true));
    }
    let f = match &c.curve {
        Curve::Linear => {
            // buf − (buf − cusp) · t / tail; the drop rounds up (the factor down, cheaper
            // for the bidder by at most 10^-18).
            let drop = (c.buf - c.cusp)
                .checked_mul(Decimal::from_ratio(elapsed, c.tail_secs))
                .map_err(|_| ContractError::Overflow("curve"))?;
            c.buf - drop
        }
        Curve::Exponential { step_secs, cut } => {
            let steps = u32::try_from(elapsed / step_secs).unwrap_or(u32::MAX);
            // cut^steps underflows towards zero for many steps: then the cusp holds.
            let k = cut.checked_pow(steps).unwrap_or(Decimal::zero());
            c.buf
                .checked_mul(k)
                .map_err(|_| ContractError::Overflow("curve"))?
        }
    };
    Ok(if f < c.cusp {
        (c.cusp, true)
    } else {
        (f, false)
    })
}

/// Price of a lot of mark value `value` and gross value `gross` at factor `f`, rounded up
/// (the bidder pays the ceiling, or receives the floor, in settlement base units).
pub fn price(
    value: SignedDecimal,
    gross: SignedDecimal,
    f: Decimal,
) -> ContractResult<SignedDecimal> {
    let discount = SignedDecimal::try_from(f)
        .map_err(|_| ContractError::Overflow("factor"))
        .and_then(|f| {
            SignedDecimal::one()
                .checked_sub(f)
                .map_err(|_| ContractError::Overflow("factor"))
        })?;
    let off = gross
        .checked_mul(discount)
        .map_err(|_| ContractError::Overflow("price"))?;
    value
        .checked_sub(off)
        .map_err(|_| ContractError::Overflow("price"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(kind: Curve) -> CurveConfig {
        CurveConfig {
            buf: Decimal::percent(105),
            cusp: Decimal::percent(80),
            tail_secs: 1000,
            curve: kind,
        }
    }

    #[test]
    fn linear_falls_from_buf_to_cusp_over_the_tail() {
        let c = curve(Curve::Linear);
        assert_eq!(factor(&c, 0).unwrap(), (Decimal::percent(105), false));
        assert_eq!(
            factor(&c, 500).unwrap(),
            ("0.925".parse::<Decimal>().unwrap(), false)
        );
        assert_eq!(factor(&c, 1000).unwrap(), (Decimal::percent(80), true));
    }

    #[test]
    fn exponential_steps_and_stops_at_the_cusp() {
        let c = curve(Curve::Exponential {
            step_secs: 100,
            cut: Decimal::percent(90),
        });
        assert_eq!(factor(&c, 99).unwrap(), (Decimal::percent(105), false));
        assert_eq!(
            factor(&c, 100).unwrap(),
            ("0.945".parse::<Decimal>().unwrap(), false)
        );
        // 1.05 · 0.9³ = 0.765 < 0.8: under the cusp, redo needed.
        assert_eq!(factor(&c, 300).unwrap(), (Decimal::percent(80), true));
    }

    #[test]
    fn price_discounts_the_gross_value() {
        let v: SignedDecimal = "1000".parse().unwrap();
        // Above the mark at the start, at a 20 % discount on the floor.
        assert_eq!(
            price(v, v, Decimal::percent(105)).unwrap(),
            "1050".parse::<SignedDecimal>().unwrap()
        );
        assert_eq!(
            price(v, v, Decimal::percent(80)).unwrap(),
            "800".parse::<SignedDecimal>().unwrap()
        );
        // A short lot (negative value): the bidder is paid, more as time passes.
        let s: SignedDecimal = "-1000".parse().unwrap();
        assert_eq!(
            price(s, v, Decimal::percent(105)).unwrap(),
            "-950".parse::<SignedDecimal>().unwrap()
        );
        assert_eq!(
            price(s, v, Decimal::percent(80)).unwrap(),
            "-1200".parse::<SignedDecimal>().unwrap()
        );
        assert!(validate(&curve(Curve::Linear)).is_ok());
    }
}
