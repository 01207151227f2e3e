use ballast_insurance_pool::error::ContractError;
use ballast_types::insurance::{CoverResponse, Tranche};
use cosmwasm_std::Uint128;

use ballast_testing::pool::{contract_err, dec, Suite};

fn answer(covered: u128, uncovered: u128, junior: u128, senior: u128) -> CoverResponse {
    CoverResponse {
        covered: covered.into(),
        uncovered: uncovered.into(),
        junior_paid: junior.into(),
        senior_paid: senior.into(),
    }
}

#[test]
fn cover_junior_first_then_senior() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.deposit("bob", Tranche::Senior, 5_000).unwrap();
    let ch = s.liquidator.clone();
    let ch_before = s.usdc(&ch);

    assert_eq!(s.cover("liquidator", 600).unwrap(), answer(600, 0, 600, 0));
    let j = s.tranche(Tranche::Junior);
    assert_eq!(
        (j.assets, j.supply),
        (Uint128::new(400), Uint128::new(1_000))
    );
    // (400 + 1) / (1,000 + 1): the virtual share and asset count in the price.
    assert_eq!(
        j.share_price,
        dec("0.400599400599400599"),
        "junior price fell, supply unchanged"
    );
    assert_eq!(s.tranche(Tranche::Senior).share_price, dec("1"));

    assert_eq!(
        s.cover("liquidator", 1_000).unwrap(),
        answer(1_000, 0, 400, 600)
    );
    assert_eq!(s.tranche(Tranche::Junior).assets, Uint128::zero());
    // (4,400 + 1) / (5,000 + 1).
    assert_eq!(
        s.tranche(Tranche::Senior).share_price,
        dec("0.880023995200959808")
    );

    // Exhausted: the pool pays what it has and reports the rest.
    let r = s
        .exec(
            "liquidator",
            &ballast_types::insurance::ExecuteMsg::CoverShortfall {
                amount: 10_000u128.into(),
            },
            &[],
        )
        .unwrap();
    let data: CoverResponse = cosmwasm_std::from_json(r.data.unwrap()).unwrap();
    assert_eq!(data, answer(4_400, 5_600, 0, 4_400));
    let ev = r
        .events
        .iter()
        .find(|e| e.ty == "wasm" && e.attributes.iter().any(|a| a.value == "cover_shortfall"))
        .unwrap();
    let attr = |k: &str| {
        ev.attributes
            .iter()
            .find(|a| a.key == k)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(
        (attr("covered"), attr("uncovered")),
        ("4400".into(), "5600".into())
    );

    // Nothing left: a further request is answered, not refused (the liquidator must know).
    assert_eq!(s.cover("liquidator", 50).unwrap(), answer(0, 50, 0, 0));
    assert_eq!(
        s.usdc(&ch) - ch_before,
        Uint128::new(6_000),
        "paid what it had"
    );
    let t = s.totals();
    assert_eq!(
        (t.covered_total, t.uncovered_total),
        (Uint128::new(6_000), Uint128::new(5_650))
    );
    let covers = s.covers(None, None);
    assert_eq!(covers.len(), 4);
    assert_eq!(
        (
            covers[2].id,
            covers[2].requested,
            covers[2].senior_paid,
            covers[2].uncovered
        ),
        (
            2,
            Uint128::new(10_000),
            Uint128::new(4_400),
            Uint128::new(5_600)
        )
    );
    assert_eq!(covers[0].time, s.now());
    s.assert_conserved();
}

#[test]
fn bad_34_cover_from_anyone_but_the_liquidator() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.deposit("bob", Tranche::Senior, 1_000).unwrap();
    let before = s.snapshot();
    for sender in ["mallory", "owner", "alice", "clearinghouse"] {
        assert_eq!(
            contract_err(s.cover(sender, 500)),
            ContractError::Unauthorized {},
            "{sender}"
        );
    }
    assert_eq!(
        contract_err(s.cover("liquidator", 0)),
        ContractError::ZeroAmount {}
    );
    // Coins attached to a call that takes none would sit outside the ledger: refused.
    let cover = ballast_types::insurance::ExecuteMsg::CoverShortfall {
        amount: 500u128.into(),
    };
    assert_eq!(
        contract_err(s.exec("liquidator", &cover, &cosmwasm_std::coins(5, "uusdc"))),
        ContractError::Payment(cw_utils::PaymentError::NonPayable {})
    );
    assert_eq!(s.snapshot(), before, "nothing paid, nothing recorded");
    assert!(s.covers(None, None).is_empty());

    // Before the liquidator is configured nobody may draw.
    let mut unset = Suite::with(dec("0.5"), false);
    unset.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let before = unset.snapshot();
    assert_eq!(
        contract_err(unset.cover("liquidator", 500)),
        ContractError::Unauthorized {}
    );
    assert_eq!(unset.snapshot(), before);
    s.assert_conserved();
    unset.assert_conserved();
}
