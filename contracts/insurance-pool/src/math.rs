//! Share and revenue arithmetic: pure functions of values, checked, widened for products, each
//! division rounding in the pool's favour (against the one being paid or minted to).

use cosmwasm_std::{Decimal, StdError, Uint128, Uint256, Uint512};

use crate::error::{ContractError, ContractResult};

/// Virtual shares added to the supply when pricing a deposit (ERC-4626, zero decimals offset).
pub const VIRTUAL_SHARES: Uint128 = Uint128::new(1);
/// Virtual assets added to the assets when pricing a deposit.
pub const VIRTUAL_ASSETS: Uint128 = Uint128::new(1);

/// Shares minted for a deposit of `amount` into a tranche holding `assets` with `supply`
/// shares outstanding: amount × (supply + VIRTUAL_SHARES) / (assets + VIRTUAL_ASSETS).
///
/// The virtual share and asset make an empty tranche price 1:1 and take from whoever inflates
/// the price of a near-empty tranche (with revenue) at least as much as the inflation could
/// take from the next depositor; a deposit rounding to no share is refused by the caller.
pub fn shares_for_deposit(
    amount: Uint128,
    assets: Uint128,
    supply: Uint128,
) -> ContractResult<Uint128> {
    let numerator = supply.checked_add(VIRTUAL_SHARES)?;
    let denominator = assets.checked_add(VIRTUAL_ASSETS)?;
    // 256-bit product inside; rounds DOWN: fewer shares to the depositor.
    Ok(amount.checked_multiply_ratio(numerator, denominator)?)
}

/// Settlement units `shares` are worth in a tranche holding `assets` with `supply` shares:
/// shares × assets / supply. Zero when there are no shares.
pub fn assets_for_shares(
    shares: Uint128,
    assets: Uint128,
    supply: Uint128,
) -> ContractResult<Uint128> {
    if supply.is_zero() {
        return Ok(Uint128::zero());
    }
    if shares > supply {
        return Err(ContractError::SharesExceedSupply { shares, supply });
    }
    // 256-bit product inside; rounds DOWN: less paid out, the remainder stays with the
    // tranche. shares ≤ supply, so the result is at most `assets`.
    Ok(shares.checked_multiply_ratio(assets, supply)?)
}

/// assets / supply, 1 while there are no shares.
pub fn share_price(assets: Uint128, supply: Uint128) -> ContractResult<Decimal> {
    if supply.is_zero() {
        return Ok(Decimal::one());
    }
    // Rounds DOWN (to 18 decimals); only reported, never used to move funds.
    Decimal::checked_from_ratio(assets, supply)
        .map_err(|e| StdError::generic_err(format!("share price {assets}/{supply}: {e}")).into())
}

/// Split `amount` of revenue between the tranches in proportion to `junior × (1 + tilt)` and
/// `senior` (the weights: assets of a tranche that has shares, else zero). Returns
/// (junior part, senior part); their sum is `amount`. Both weights zero is an error: nobody
/// would own the revenue.
pub fn split_revenue(
    amount: Uint128,
    junior: Uint128,
    senior: Uint128,
    tilt: Decimal,
) -> ContractResult<(Uint128, Uint128)> {
    if junior.is_zero() && senior.is_zero() {
        return Err(ContractError::NoRecipients {});
    }
    // Weights in 10^-18 units: junior × (1 + tilt) and senior × 1, each < 2^128 × 2^64.
    let one = Decimal::one().atomics();
    let junior_factor = Decimal::one().checked_add(tilt)?.atomics();
    let w_junior = Uint256::from(junior).checked_mul(Uint256::from(junior_factor))?;
    let w_senior = Uint256::from(senior).checked_mul(Uint256::from(one))?;
    let total = w_junior.checked_add(w_senior)?;
    // amount × w_junior < 2^128 × 2^193: 512 bits. Rounds DOWN: the junior part never
    // exceeds its exact share; the remainder (at most 1 unit) goes to the senior tranche.
    let junior_part = Uint512::from(amount)
        .checked_mul(Uint512::from(w_junior))?
        .checked_div(Uint512::from(total))?;
    let junior_part: Uint128 = Uint256::try_from(junior_part)?.try_into()?;
    let senior_part = amount.checked_sub(junior_part)?;
    Ok((junior_part, senior_part))
}

/// The junior tranche's debt to the senior one after [`settle_debt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub junior_liquid: Uint128,
    pub senior_liquid: Uint128,
    pub debt: Uint128,
    /// Moved from the junior tranche's liquid assets to the senior tranche's.
    pub repaid: Uint128,
    /// Debt beyond everything the junior tranche owns, written off: the senior tranche's loss.
    pub written_off: Uint128,
}

/// Settles the junior tranche's `debt` to the senior tranche: the debt is first capped at
/// what the junior tranche owns (`junior_liquid + equity` of the backstop account; the rest
/// is written off, so the junior value never goes below zero and a new junior depositor never
/// pays an old debt), then repaid from the junior liquid assets. Afterwards a debt is left
/// only when the junior tranche has no liquid assets, and it is at most `equity`.
pub fn settle_debt(
    junior_liquid: Uint128,
    senior_liquid: Uint128,
    debt: Uint128,
    equity: Uint128,
) -> ContractResult<Settled> {
    let owned = junior_liquid.checked_add(equity)?;
    let written_off = debt.saturating_sub(owned);
    let debt = debt.checked_sub(written_off)?;
    let repaid = debt.min(junior_liquid);
    Ok(Settled {
        junior_liquid: junior_liquid.checked_sub(repaid)?,
        senior_liquid: senior_liquid.checked_add(repaid)?,
        debt: debt.checked_sub(repaid)?,
        repaid,
        written_off,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn u(n: u128) -> Uint128 {
        Uint128::new(n)
    }

    #[test]
    fn first_deposit_is_one_to_one_and_rounds_down() {
        assert_eq!(shares_for_deposit(u(1_000), u(0), u(0)).unwrap(), u(1_000));
        // Price 1.5: 100 buys 100 × 1001 / 1501 = 66.68… → 66.
        assert_eq!(
            shares_for_deposit(u(100), u(1_500), u(1_000)).unwrap(),
            u(66)
        );
        assert_eq!(assets_for_shares(u(66), u(1_600), u(1_066)).unwrap(), u(99));
    }

    #[test]
    fn near_max_amounts_do_not_overflow_silently() {
        let max = Uint128::MAX;
        assert_eq!(assets_for_shares(max, max, max).unwrap(), max);
        let almost = max - u(1);
        assert_eq!(shares_for_deposit(max, almost, almost).unwrap(), max);
        assert!(shares_for_deposit(u(1), u(0), max).is_err(), "supply + 1");
        assert!(
            shares_for_deposit(max, u(0), u(1)).is_err(),
            "2 × MAX shares"
        );
        assert!(shares_for_deposit(u(1), max, u(0)).is_err(), "assets + 1");
        let (j, s) = split_revenue(max, max, max, Decimal::from_str("10").unwrap()).unwrap();
        assert_eq!(j + s, max);
        assert_eq!(j, max.multiply_ratio(11u128, 12u128));
    }

    #[test]
    fn split_is_tilted_and_sums_to_the_amount() {
        let tilt = Decimal::from_str("0.5").unwrap();
        // Weights 1500 : 3000 → junior 333.3… → 333, senior the rest.
        assert_eq!(
            split_revenue(u(1_000), u(1_000), u(3_000), tilt).unwrap(),
            (u(333), u(667))
        );
        assert_eq!(split_revenue(u(7), u(0), u(5), tilt).unwrap(), (u(0), u(7)));
        assert_eq!(split_revenue(u(7), u(5), u(0), tilt).unwrap(), (u(7), u(0)));
        assert_eq!(
            split_revenue(u(7), u(0), u(0), tilt).unwrap_err(),
            ContractError::NoRecipients {}
        );
    }

    #[test]
    fn debt_is_capped_at_what_junior_owns_then_repaid_from_its_liquid_assets() {
        let settled = |j, s, d, e| settle_debt(u(j), u(s), u(d), u(e)).unwrap();
        // Liquid enough: repaid in full.
        let r = settled(100, 50, 30, 0);
        assert_eq!(
            (r.junior_liquid, r.senior_liquid, r.debt),
            (u(70), u(80), u(0))
        );
        assert_eq!((r.repaid, r.written_off), (u(30), u(0)));
        // Liquid short, equity covers: what is liquid repays, the rest waits on the equity.
        let r = settled(10, 50, 30, 40);
        assert_eq!(
            (r.junior_liquid, r.senior_liquid, r.debt),
            (u(0), u(60), u(20))
        );
        // The backstop lost: what junior cannot own is written off (senior's loss).
        let r = settled(10, 50, 30, 5);
        assert_eq!(
            (r.junior_liquid, r.senior_liquid, r.debt),
            (u(0), u(60), u(5))
        );
        assert_eq!((r.repaid, r.written_off), (u(10), u(15)));
        // Junior value (liquid + equity − debt) never changes by settling unless written off;
        // the sum of both values never changes except by the write-off.
        for (j, s, d, e) in [(7, 3, 9, 4), (0, 0, 5, 0), (20, 1, 2, 0), (0, 9, 9, 9)] {
            let r = settled(j, s, d, e);
            let before = u(j) + u(e) + u(s);
            assert_eq!(r.junior_liquid + u(e) + r.senior_liquid, before);
            assert_eq!(
                u(j) + u(e) - (u(d) - r.written_off),
                r.junior_liquid + u(e) - r.debt
            );
            assert!(r.debt.is_zero() || r.junior_liquid.is_zero());
            assert!(r.debt <= u(e));
        }
    }

    #[test]
    fn price_is_one_when_empty() {
        assert_eq!(share_price(u(0), u(0)).unwrap(), Decimal::one());
        assert_eq!(
            share_price(u(1), u(4)).unwrap(),
            Decimal::from_str("0.25").unwrap()
        );
        assert_eq!(assets_for_shares(u(5), u(0), u(0)).unwrap(), u(0));
    }
}
