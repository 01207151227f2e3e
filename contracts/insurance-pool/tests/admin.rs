use ballast_insurance_pool::error::ContractError;
use ballast_types::insurance::{ConfigResponse, ExecuteMsg, MigrateMsg, QueryMsg, Tranche};
use cosmwasm_std::Decimal;
use cw_multi_test::Executor;

use ballast_testing::pool::{contract_err, dec, Suite};

fn update(
    clearinghouse: Option<String>,
    cooldown: Option<u64>,
    tilt: Option<Decimal>,
) -> ExecuteMsg {
    ExecuteMsg::UpdateConfig {
        clearinghouse,
        liquidator: None,
        cooldown_secs: cooldown,
        withdraw_window_secs: None,
        junior_tilt: tilt,
    }
}

fn ownership(s: &Suite) -> cw_ownable::Ownership<String> {
    s.query(&QueryMsg::Ownership {})
}

#[test]
fn bad_37_owner_only() {
    let mut s = Suite::new();
    let mallory = s.addr("mallory").to_string();
    let config: ConfigResponse = s.query(&QueryMsg::Config {});
    let before = s.snapshot();
    for msg in [
        update(Some(mallory.clone()), None, None),
        update(None, Some(1), Some(dec("10"))),
        ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
            new_owner: mallory.clone(),
            expiry: None,
        }),
        ExecuteMsg::UpdateOwnership(cw_ownable::Action::RenounceOwnership),
    ] {
        assert_eq!(
            contract_err(s.exec("mallory", &msg, &[])),
            ContractError::Unauthorized {}
        );
    }
    assert_eq!(
        s.query::<ConfigResponse>(&QueryMsg::Config {}),
        config,
        "config unchanged"
    );
    assert_eq!(s.snapshot(), before);

    // Two-step: proposed is not accepted; only the proposed address can accept.
    let next = s.addr("next").to_string();
    let transfer = ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
        new_owner: next.clone(),
        expiry: None,
    });
    s.exec("owner", &transfer, &[]).unwrap();
    let o = ownership(&s);
    assert_eq!(
        (o.owner, o.pending_owner),
        (Some(s.owner.to_string()), Some(next.clone()))
    );
    let set = update(Some(s.addr("next").to_string()), None, None);
    assert_eq!(
        contract_err(s.exec("next", &set, &[])),
        ContractError::Unauthorized {},
        "not accepted yet"
    );
    let accept = ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership);
    assert_eq!(
        contract_err(s.exec("mallory", &accept, &[])),
        ContractError::Unauthorized {}
    );
    assert_eq!(s.query::<ConfigResponse>(&QueryMsg::Config {}), config);
    s.exec("next", &accept, &[]).unwrap();
    assert_eq!(ownership(&s).owner, Some(next));
    assert_eq!(
        contract_err(s.exec("owner", &set, &[])),
        ContractError::Unauthorized {},
        "old owner"
    );
    s.exec("next", &set, &[]).unwrap();
    s.assert_conserved();
}

#[test]
fn owner_updates_config_within_bounds() {
    let mut s = Suite::with(dec("0.5"), false);
    let ch = s.clearinghouse.to_string();
    s.exec(
        "owner",
        &update(Some(ch.clone()), Some(60), Some(dec("2"))),
        &[],
    )
    .unwrap();
    let c: ConfigResponse = s.query(&QueryMsg::Config {});
    assert_eq!(
        (c.clearinghouse, c.cooldown_secs, c.junior_tilt),
        (Some(ch), 60, dec("2"))
    );
    let before: ConfigResponse = s.query(&QueryMsg::Config {});
    for (what, msg) in [
        ("zero cooldown", update(None, Some(0), None)),
        ("cooldown over a year", update(None, Some(31_536_001), None)),
        ("tilt above 10", update(None, None, Some(dec("10.000001")))),
    ] {
        assert!(
            matches!(
                contract_err(s.exec("owner", &msg, &[])),
                ContractError::InvalidConfig { .. }
            ),
            "{what}"
        );
    }
    assert!(s
        .exec(
            "owner",
            &update(Some("not-an-address".into()), None, None),
            &[]
        )
        .is_err());
    assert_eq!(s.query::<ConfigResponse>(&QueryMsg::Config {}), before);
    // The new cool-down (60 s instead of the suite's week) applies to new requests.
    s.deposit("alice", Tranche::Junior, 10).unwrap();
    let id = s.request("alice", Tranche::Junior, 10).unwrap();
    s.advance(60);
    s.withdraw("alice", id).unwrap();
    s.assert_conserved();
}

#[test]
fn bad_43_pagination_limit_abuse() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    for _ in 0..35 {
        s.request("alice", Tranche::Junior, 1).unwrap();
        s.cover("liquidator", 1).unwrap();
    }
    s.request("bob", Tranche::Junior, 1).unwrap_err(); // bob holds no shares
    let ids = |v: Vec<ballast_types::insurance::WithdrawalResponse>| {
        v.iter().map(|w| w.id).collect::<Vec<_>>()
    };
    assert_eq!(s.pending(None, None, Some(5_000_000)).len(), 30);
    assert_eq!(s.pending(None, None, None).len(), 10);
    assert_eq!(s.pending(Some("alice"), None, Some(u32::MAX)).len(), 30);
    assert_eq!(
        ids(s.pending(None, Some(29), Some(100))),
        [30, 31, 32, 33, 34]
    );
    assert_eq!(
        ids(s.pending(Some("alice"), Some(29), Some(100))),
        [30, 31, 32, 33, 34]
    );
    assert!(s.pending(Some("bob"), None, Some(5_000_000)).is_empty());
    assert_eq!(s.covers(None, Some(5_000_000)).len(), 30);
    assert_eq!(s.covers(None, None).len(), 10);
    let tail: Vec<u64> = s
        .covers(Some(31), Some(1_000))
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(tail, [32, 33, 34]);
    s.assert_conserved();
}

#[test]
fn bad_44_migrate_unknown_or_newer() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let (owner, pool, code) = (s.owner.clone(), s.pool.clone(), s.pool_code);
    s.app
        .migrate_contract(owner.clone(), pool.clone(), &MigrateMsg {}, code)
        .unwrap();
    assert_eq!(
        s.tranche(Tranche::Junior).assets.u128(),
        1_000,
        "state kept"
    );

    // A newer version stored under the pool: refused, nothing changed.
    cw2::set_contract_version(
        s.app.contract_storage_mut(&pool).as_mut(),
        "crates.io:ballast-insurance-pool",
        "9.0.0",
    )
    .unwrap();
    let before = s.snapshot();
    let err =
        contract_err(
            s.app
                .migrate_contract(owner.clone(), pool.clone(), &MigrateMsg {}, code),
        );
    assert!(
        matches!(err, ContractError::BadMigration { ref from_version, .. } if from_version == "9.0.0"),
        "{err:?}"
    );
    assert_eq!(s.snapshot(), before);

    // Another contract (a cw20-base token with an admin) cannot become a pool.
    let token = s
        .app
        .instantiate_contract(
            s.token_code,
            owner.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Other".into(),
                symbol: "OTHER".into(),
                decimals: 6,
                initial_balances: vec![],
                mint: None,
                marketing: None,
            },
            &[],
            "other",
            Some(owner.to_string()),
        )
        .unwrap();
    let err = contract_err(s.app.migrate_contract(owner, token, &MigrateMsg {}, code));
    assert!(
        matches!(err, ContractError::BadMigration { ref from_contract, .. } if from_contract == "crates.io:cw20-base"),
        "{err:?}"
    );

    use ballast_insurance_pool::contract::migrate_allowed;
    assert!(migrate_allowed("crates.io:ballast-insurance-pool", "0.0.1"));
    assert!(!migrate_allowed(
        "crates.io:ballast-insurance-pool",
        "9.0.0"
    ));
    assert!(!migrate_allowed("crates.io:ballast-oracle", "0.1.0"));
    assert!(!migrate_allowed("crates.io:ballast-insurance-pool", "x"));
    s.assert_conserved();
}
