//! Share and revenue arithmetic: pure functions of values, checked, widened for products, each
//! division rounding in the pool's favour (against the one being paid or minted to).
//!
//! One price per share, both ways. A tranche holding `assets` with `supply` shares prices a
//! share at (assets + VIRTUAL_ASSETS) / (supply + VIRTUAL_SHARES) when it mints
//! ([`shares_for_deposit`]), when it redeems ([`assets_for_shares`]) and when it reports
//! ([`share_price`]) — OpenZeppelin ERC-4626 with a zero decimals offset. Minting at that
//! price but redeeming at assets / supply (as the pool did before) let a deposit followed
//! by a withdrawal take the gap from the other holders while the supply was small (998 base
//! units on one round trip in the report that found it); with one price the round trip never returns
//! more than was put in (`deposit_then_redeem_never_gains`). The virtual share is nobody's:
//! the < 1 share's worth it holds stays in the tranche.

use cosmwasm_std::{Decimal, Decimal256, StdError, Uint128, Uint256, Uint512};

use crate::error::{ContractError, ContractResult};

/// Virtual shares added to the supply whenever a share is priced (ERC-4626, zero decimals
/// offset).
pub const VIRTUAL_SHARES: Uint128 = Uint128::new(1);
/// Virtual assets added to the assets whenever a share is priced.
pub const VIRTUAL_ASSETS: Uint128 = Uint128::new(1);

/// (assets + VIRTUAL_ASSETS, supply + VIRTUAL_SHARES), widened so that `assets` or
/// `supply` of `Uint128::MAX` still prices.
fn virtual_ratio(assets: Uint128, supply: Uint128) -> ContractResult<(Uint256, Uint256)> {
    Ok((
        Uint256::from(assets).checked_add(VIRTUAL_ASSETS.into())?,
        Uint256::from(supply).checked_add(VIRTUAL_SHARES.into())?,
    ))
}

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
/// shares × (assets + VIRTUAL_ASSETS) / (supply + VIRTUAL_SHARES), the price a deposit pays.
/// At most `assets` (shares ≤ supply: the product is below assets + 1).
pub fn assets_for_shares(
    shares: Uint128,
    assets: Uint128,
    supply: Uint128,
) -> ContractResult<Uint128> {
    if shares > supply {
        return Err(ContractError::SharesExceedSupply { shares, supply });
    }
    let (a, s) = virtual_ratio(assets, supply)?;
    // shares × (assets + 1) < 2^256; rounds DOWN: less paid out, the remainder stays with
    // the tranche.
    let value = Uint256::from(shares).checked_mul(a)?.checked_div(s)?;
    Ok(Uint128::try_from(value)?)
}

/// (assets + VIRTUAL_ASSETS) / (supply + VIRTUAL_SHARES): what one share is worth when
/// redeemed and costs when minted; 1 while the tranche is empty.
pub fn share_price(assets: Uint128, supply: Uint128) -> ContractResult<Decimal> {
    let (a, s) = virtual_ratio(assets, supply)?;
    // Rounds DOWN (to 18 decimals); only reported, never used to move funds.
    let price = Decimal256::checked_from_ratio(a, s)
        .map_err(|e| StdError::generic_err(format!("share price {assets}/{supply}: {e}")))?;
    Ok(Decimal::try_from(price)
        .map_err(|e| StdError::generic_err(format!("share price {assets}/{supply}: {e}")))?)
}

/// What each tranche bears of a `deficit` the pool is expected to cover, in the order covers
/// take it: the junior tranche up to its whole value, the senior tranche the rest up to its
/// value. Returns (junior part, senior part).
pub fn deficit_parts(
    deficit: Uint128,
    junior_value: Uint128,
    senior_value: Uint128,
) -> (Uint128, Uint128) {
    let junior = deficit.min(junior_value);
    // deficit ≥ junior by construction.
    let senior = deficit.saturating_sub(junior).min(senior_value);
    (junior, senior)
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
    fn price_is_one_when_empty_and_counts_the_virtual_share() {
        assert_eq!(share_price(u(0), u(0)).unwrap(), Decimal::one());
        // (1 + 1) / (4 + 1).
        assert_eq!(
            share_price(u(1), u(4)).unwrap(),
            Decimal::from_str("0.4").unwrap()
        );
        assert_eq!(assets_for_shares(u(0), u(0), u(0)).unwrap(), u(0));
        assert_eq!(
            assets_for_shares(u(5), u(0), u(0)).unwrap_err(),
            ContractError::SharesExceedSupply {
                shares: u(5),
                supply: u(0)
            }
        );
        // Redeeming uses the minting price: 1,000 shares of 2,000 assets and 1,000 shares
        // are worth 1,000 × 2,001 / 1,001 = 1,999.0… → 1,999, not 2,000.
        assert_eq!(
            assets_for_shares(u(1_000), u(2_000), u(1_000)).unwrap(),
            u(1_999)
        );
        assert_eq!(
            share_price(u(2_000), u(1_000)).unwrap(),
            Decimal::from_str("1.999000999000999000").unwrap()
        );
        // Extreme values price without overflowing (widened to 256 bits).
        let max = Uint128::MAX;
        assert_eq!(share_price(max, max).unwrap(), Decimal::one());
        assert!(share_price(max, u(0)).is_err(), "beyond Decimal: an error");
    }

    #[test]
    fn deficits_are_borne_junior_first_up_to_each_value() {
        let parts = |d, j, s| deficit_parts(u(d), u(j), u(s));
        assert_eq!(parts(0, 5, 5), (u(0), u(0)));
        assert_eq!(parts(4, 5, 5), (u(4), u(0)));
        assert_eq!(parts(7, 5, 5), (u(5), u(2)));
        assert_eq!(
            parts(20, 5, 5),
            (u(5), u(5)),
            "beyond the pool: not the pool's"
        );
        assert_eq!(parts(3, 0, 5), (u(0), u(3)));
    }

    /// Deposit then redeem at once, over a grid of tranche states and amounts (price far
    /// above and below 1, tiny and large supplies): never more back than was put in, and
    /// the shares already there are worth no less afterwards.
    #[test]
    fn deposit_then_redeem_never_gains() {
        let states = [
            (0, 0),
            (1, 1),
            (1_000, 1),
            (1_000_001, 1),
            (2_000, 1_000),
            (1, 1_000),
            (0, 1_000),
            (999_999_999, 3),
            (10u128.pow(30), 10u128.pow(12)),
        ];
        let amounts = [1, 2, 999, 1_000, 1_001, 1_500_000, 10u128.pow(18)];
        for (assets, supply) in states {
            let before = assets_for_shares(u(supply), u(assets), u(supply)).unwrap();
            for amount in amounts {
                let minted = shares_for_deposit(u(amount), u(assets), u(supply)).unwrap();
                let (a, s) = (u(assets + amount), u(supply) + minted);
                let back = assets_for_shares(minted, a, s).unwrap();
                assert!(
                    back <= u(amount),
                    "{assets}/{supply} +{amount}: back {back}"
                );
                let others = assets_for_shares(u(supply), a, s).unwrap();
                assert!(
                    others >= before,
                    "{assets}/{supply} +{amount}: {others} < {before}"
                );
                assert!(back + others <= a, "never more than the tranche holds");
            }
        }
    }
}
