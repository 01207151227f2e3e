use ballast_insurance_pool::error::ContractError;
use ballast_types::insurance::{ExecuteMsg, Tranche};
use cosmwasm_std::{coins, Uint128};

use ballast_testing::pool::{contract_err, dec, Suite, USDC};

fn assets(s: &Suite) -> (u128, u128) {
    (
        s.tranche(Tranche::Junior).assets.u128(),
        s.tranche(Tranche::Senior).assets.u128(),
    )
}

#[test]
fn revenue_split_tilted_to_junior() {
    let mut s = Suite::new(); // tilt 0.5
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.deposit("bob", Tranche::Senior, 3_000).unwrap();
    // Weights 1000 × 1.5 : 3000 → junior 333.3… → 333 (rounded down), senior 667.
    let r = s.distribute("clearinghouse", 1_000).unwrap();
    assert_eq!(assets(&s), (1_333, 3_667));
    let ev = r
        .events
        .iter()
        .find(|e| e.ty == "wasm" && e.attributes.iter().any(|a| a.value == "distribute_revenue"))
        .expect("distribute_revenue event");
    let attr = |k: &str| {
        ev.attributes
            .iter()
            .find(|a| a.key == k)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(
        (attr("junior"), attr("senior")),
        ("333".into(), "667".into())
    );
    // Per unit of assets the junior tranche earned 1.5× the senior's (to rounding).
    let j_yield = dec("333") / dec("1000");
    let s_yield = dec("667") / dec("3000");
    assert!(j_yield > s_yield * dec("1.49") && j_yield < s_yield * dec("1.51"));
    assert_eq!(s.totals().revenue_total, Uint128::new(1_000));

    // Without a tilt the split is by assets alone.
    let mut flat = Suite::with(dec("0"), true);
    flat.deposit("alice", Tranche::Junior, 1_000).unwrap();
    flat.deposit("bob", Tranche::Senior, 3_000).unwrap();
    flat.distribute("carol", 1_000).unwrap();
    assert_eq!(assets(&flat), (1_250, 3_750));
    s.assert_conserved();
    flat.assert_conserved();
}

#[test]
fn revenue_goes_to_the_only_owned_tranche_and_is_refused_when_none() {
    let mut s = Suite::new();
    let before = s.snapshot();
    assert_eq!(
        contract_err(s.distribute("carol", 100)),
        ContractError::NoRecipients {}
    );
    assert_eq!(s.snapshot(), before, "both empty: nothing changed");
    s.deposit("bob", Tranche::Senior, 3_000).unwrap();
    s.distribute("carol", 100).unwrap();
    assert_eq!(assets(&s), (0, 3_100), "junior empty: all to senior");
    s.deposit("alice", Tranche::Junior, 10).unwrap();
    // A wiped-out junior tranche (shares but no assets) gets nothing either.
    s.cover("liquidator", 10).unwrap();
    s.distribute("carol", 100).unwrap();
    assert_eq!(assets(&s), (0, 3_200));
    s.assert_conserved();
}

#[test]
fn revenue_in_the_wrong_denom_or_without_funds_is_refused() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let before = s.snapshot();
    let msg = ExecuteMsg::DistributeRevenue {};
    assert!(matches!(
        contract_err(s.exec("carol", &msg, &coins(5, "uatom"))),
        ContractError::WrongDenom { .. }
    ));
    assert_eq!(
        contract_err(s.exec("carol", &msg, &[])),
        ContractError::NoFunds { denom: USDC.into() }
    );
    assert_eq!(s.snapshot(), before);
    s.assert_conserved();
}

/// Coins sent to the pool by plain bank transfer are not lost outside the ledger: anyone
/// sweeps them into the tranches as revenue, and nothing is left to sweep twice.
#[test]
fn stray_bank_transfers_are_swept_into_revenue() {
    let mut s = Suite::new(); // tilt 0.5
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.deposit("bob", Tranche::Senior, 3_000).unwrap();
    let before = s.snapshot();
    assert_eq!(
        contract_err(s.exec("carol", &ExecuteMsg::SweepStray {}, &[])),
        ContractError::ZeroAmount {}
    );
    assert_eq!(s.snapshot(), before);
    s.donate("carol", 1_000);
    s.exec("mallory", &ExecuteMsg::SweepStray {}, &[]).unwrap();
    s.donated = Uint128::zero(); // now in the ledger
    assert_eq!(assets(&s), (1_333, 3_667), "split like revenue");
    assert_eq!(s.totals().revenue_total, Uint128::new(1_000));
    s.assert_conserved();
    assert_eq!(
        contract_err(s.exec("mallory", &ExecuteMsg::SweepStray {}, &[])),
        ContractError::ZeroAmount {}
    );
    // Coins attached to the sweep itself are refused (they would be stray again).
    assert!(s
        .exec("carol", &ExecuteMsg::SweepStray {}, &coins(5, USDC))
        .is_err());
}
