use ballast_testing::Suite;
use ballast_types::clearinghouse::{
    AssetInfo, ExecuteMsg, MigrateMsg, NamedMarket, NamedUnderlying, Page,
};
use cosmwasm_std::{Empty, SignedDecimal};
use cw_multi_test::Executor;

use crate::contract_err;
use ballast_clearinghouse::error::ContractError;

fn markets(s: &Suite, limit: Option<u32>) -> Vec<NamedMarket> {
    s.views_query(&ballast_types::views::QueryMsg::Markets(Page {
        start_after: None,
        limit,
    }))
    .unwrap()
}

fn perp(underlying: &str) -> ballast_types::clearinghouse::MarketConfig {
    ballast_testing::perp_config(underlying, "0.05", "0.03")
}

#[test]
fn bad_37_owner_only_calls_by_anyone_else() {
    let mut s = Suite::full();
    let mallory = s.traders[2].clone();
    let msgs = [
        ExecuteMsg::SetUnderlying {
            name: "SOL".into(),
            config: ballast_testing::underlying_config("SOL", "0.05"),
        },
        ExecuteMsg::SetMarket {
            id: "X".into(),
            config: perp("BTC"),
        },
        ExecuteMsg::SetRisk(ballast_testing::risk_config(None)),
    ];
    for msg in msgs {
        assert_eq!(
            contract_err(s.ch_exec(&mallory, &msg, &[])),
            ContractError::Unauthorized {}
        );
    }
    let transfer = ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
        new_owner: mallory.to_string(),
        expiry: None,
    });
    assert_eq!(
        contract_err(s.ch_exec(&mallory, &transfer, &[])),
        ContractError::Unauthorized {}
    );
    assert_eq!(markets(&s, None).len(), 2, "nothing listed");
}

#[test]
fn bad_37_two_step_ownership() {
    let mut s = Suite::full();
    let (owner, next) = (s.owner.clone(), s.traders[1].clone());
    let transfer = ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
        new_owner: next.to_string(),
        expiry: None,
    });
    s.ch_exec(&owner, &transfer, &[]).unwrap();
    // Not yet the owner: proposing is not accepting.
    let list = ExecuteMsg::SetMarket {
        id: "ETH-PERP".into(),
        config: perp("BTC"),
    };
    assert_eq!(
        contract_err(s.ch_exec(&next, &list, &[])),
        ContractError::Unauthorized {}
    );
    let accept = ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership);
    s.ch_exec(&next, &accept, &[]).unwrap();
    s.ch_exec(&next, &list, &[]).unwrap();
    assert_eq!(
        contract_err(s.ch_exec(&owner, &list, &[])),
        ContractError::Unauthorized {}
    );
    let ownership: cw_ownable::Ownership<String> = s
        .views_query(&ballast_types::views::QueryMsg::Ownership(Empty {}))
        .unwrap();
    assert_eq!(ownership.owner, Some(next.to_string()));
}

#[test]
fn bad_28_maintenance_at_or_above_initial_and_weights_outside_0_1() {
    let mut s = Suite::full();
    let owner = s.owner.clone();
    let mut bad = perp("BTC");
    bad.maintenance.base = bad.initial.base;
    assert!(matches!(
        contract_err(s.ch_exec(
            &owner,
            &ExecuteMsg::SetMarket {
                id: "BAD".into(),
                config: bad
            },
            &[]
        )),
        ContractError::Risk(_)
    ));
    for weight in ["0", "1.01"] {
        let mut c = ballast_testing::collateral_config(
            AssetInfo::Native {
                denom: "uosmo".into(),
            },
            "ATOM",
            "0.5",
        );
        c.weight = weight.parse().unwrap();
        let r = s.ch_exec(
            &owner,
            &ExecuteMsg::SetCollateral {
                id: "osmo".into(),
                config: c,
            },
            &[],
        );
        assert!(r.is_err(), "weight {weight}");
    }
    let mut u = ballast_testing::underlying_config("SOL", "0.05");
    u.vol_down = SignedDecimal::one();
    assert!(s
        .ch_exec(
            &owner,
            &ExecuteMsg::SetUnderlying {
                name: "SOL".into(),
                config: u
            },
            &[]
        )
        .is_err());
    let mut risk = ballast_testing::risk_config(Some("BTC"));
    risk.im_multiplier = SignedDecimal::percent(90);
    assert!(matches!(
        contract_err(s.ch_exec(&owner, &ExecuteMsg::SetRisk(risk), &[])),
        ContractError::Risk(_)
    ));
    assert_eq!(markets(&s, None).len(), 2);
}

#[test]
fn listing_rules() {
    let mut s = Suite::full();
    let owner = s.owner.clone();
    // Unknown underlying, settlement denom as collateral, a changed asset or instrument.
    assert!(matches!(
        contract_err(s.ch_exec(
            &owner,
            &ExecuteMsg::SetMarket {
                id: "SOL-PERP".into(),
                config: perp("SOL")
            },
            &[]
        )),
        ContractError::NotListed { .. }
    ));
    let usdc = ballast_testing::collateral_config(
        AssetInfo::Native {
            denom: "uusdc".into(),
        },
        "USDC",
        "1",
    );
    assert!(matches!(
        contract_err(s.ch_exec(
            &owner,
            &ExecuteMsg::SetCollateral {
                id: "usdc".into(),
                config: usdc
            },
            &[]
        )),
        ContractError::InvalidConfig { .. }
    ));
    let moved = ballast_testing::collateral_config(
        AssetInfo::Native {
            denom: "uosmo".into(),
        },
        "ATOM",
        "0.8",
    );
    assert!(matches!(
        contract_err(s.ch_exec(
            &owner,
            &ExecuteMsg::SetCollateral {
                id: "atom".into(),
                config: moved
            },
            &[]
        )),
        ContractError::Immutable { .. }
    ));
    let other = perp("ATOM");
    assert!(matches!(
        contract_err(s.ch_exec(
            &owner,
            &ExecuteMsg::SetMarket {
                id: "BTC-PERP".into(),
                config: other
            },
            &[]
        )),
        ContractError::Immutable { .. }
    ));
    let bad_id = ExecuteMsg::SetMarket {
        id: "has space".into(),
        config: perp("BTC"),
    };
    assert!(matches!(
        contract_err(s.ch_exec(&owner, &bad_id, &[])),
        ContractError::InvalidConfig { .. }
    ));
    // Updating parameters of a listed market is allowed.
    let mut wider = perp("BTC");
    wider.initial.base = SignedDecimal::percent(10);
    s.ch_exec(
        &owner,
        &ExecuteMsg::SetMarket {
            id: "BTC-PERP".into(),
            config: wider,
        },
        &[],
    )
    .unwrap();
}

#[test]
fn bad_43_pagination_limit_of_millions_is_capped() {
    let mut s = Suite::full();
    let owner = s.owner.clone();
    for i in 0..35 {
        let msg = ExecuteMsg::SetMarket {
            id: format!("M{i:02}"),
            config: perp("BTC"),
        };
        s.ch_exec(&owner, &msg, &[]).unwrap();
    }
    assert_eq!(markets(&s, Some(5_000_000)).len(), 30);
    assert_eq!(markets(&s, None).len(), 10);
    let u: Vec<NamedUnderlying> = s
        .views_query(&ballast_types::views::QueryMsg::Underlyings(Page {
            start_after: None,
            limit: Some(u32::MAX),
        }))
        .unwrap();
    assert_eq!(u.len(), 2);
}

#[test]
fn bad_44_migrate_only_from_this_contract_at_an_older_or_equal_version() {
    let mut s = Suite::full();
    let (owner, ch, code) = (s.owner.clone(), s.ch().clearinghouse.clone(), s.ch().code);
    s.app
        .migrate_contract(owner, ch, &MigrateMsg {}, code)
        .unwrap();
    assert_eq!(markets(&s, None).len(), 2, "state kept");
    use ballast_clearinghouse::contract::migrate_allowed;
    assert!(migrate_allowed("crates.io:ballast-clearinghouse", "0.0.9"));
    assert!(!migrate_allowed(
        "crates.io:ballast-clearinghouse",
        "99.0.0"
    ));
    assert!(!migrate_allowed("crates.io:ballast-oracle", "0.1.0"));
}

/// The views contract answers from the clearinghouse's storage (pages included, through
/// `RawRange`), and a read it cannot make fails the query instead of answering empty.
#[test]
fn views_read_the_clearinghouse_and_fail_loudly() {
    use ballast_types::views::{ConfigResponse, InstantiateMsg, QueryMsg as Views};
    use cw_multi_test::ContractWrapper;
    let mut s = Suite::full();
    let owner = s.owner.clone();
    for i in 0..35 {
        let msg = ExecuteMsg::SetMarket {
            id: format!("M{i:02}"),
            config: perp("BTC"),
        };
        s.ch_exec(&owner, &msg, &[]).unwrap();
    }
    // 37 markets: a page of 30, then the rest after the last id.
    let first = markets(&s, Some(30));
    assert_eq!(first.len(), 30);
    let rest: Vec<NamedMarket> = s
        .views_query(&Views::Markets(Page {
            start_after: Some(first[29].id.clone()),
            limit: Some(30),
        }))
        .unwrap();
    assert_eq!(rest.len(), 7);
    let config: ConfigResponse = s.views_query(&Views::Config(Empty {})).unwrap();
    assert_eq!(config.clearinghouse, s.ch().clearinghouse.to_string());
    // Pointed at a contract that has no `RawRange` (the oracle): an error, not `[]`.
    let code = s.app.store_code(Box::new(ContractWrapper::new(
        ballast_views::contract::execute,
        ballast_views::contract::instantiate,
        ballast_views::contract::query,
    )));
    let oracle = s.oracle.to_string();
    let wrong = s
        .app
        .instantiate_contract(
            code,
            owner,
            &InstantiateMsg {
                clearinghouse: oracle,
            },
            &[],
            "views",
            None,
        )
        .unwrap();
    let r: cosmwasm_std::StdResult<Vec<NamedMarket>> = s.app.wrap().query_wasm_smart(
        &wrong,
        &Views::Markets(Page {
            start_after: None,
            limit: None,
        }),
    );
    assert!(r.is_err(), "{r:?}");
}
