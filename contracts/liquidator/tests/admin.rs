//! Owner calls, callers that are not the clearinghouse, pagination, migration.

use ballast_testing::{curve_config, Suite};
use ballast_types::clearinghouse::ExecuteMsg as ClearinghouseMsg;
use ballast_types::liquidation::AccountRef;
use ballast_types::liquidator::{Curve, ExecuteMsg, LotStatus, MigrateMsg, QueryMsg};
use cosmwasm_std::{Decimal, SignedDecimal};
use cw_multi_test::Executor;

use crate::contract_err;
use ballast_liquidator::error::ContractError;

#[test]
fn bad_37_curve_is_owner_only_and_validated() {
    let mut s = Suite::with_liquidation();
    let auction = s.waterfall().liquidator.clone();
    let stranger = s.traders[0].clone();
    let msg = ExecuteMsg::SetCurve {
        curve: curve_config(),
    };
    assert_eq!(
        contract_err(s.app.execute_contract(stranger, auction.clone(), &msg, &[])),
        ContractError::Unauthorized {}
    );
    let owner = s.owner.clone();
    for bad in [
        (
            Decimal::percent(99),
            Decimal::percent(80),
            3600,
            Curve::Linear,
        ),
        (Decimal::percent(105), Decimal::one(), 3600, Curve::Linear),
        (
            Decimal::percent(105),
            Decimal::percent(80),
            0,
            Curve::Linear,
        ),
        (
            Decimal::percent(105),
            Decimal::percent(80),
            3600,
            Curve::Exponential {
                step_secs: 60,
                cut: Decimal::one(),
            },
        ),
    ] {
        let mut c = curve_config();
        (c.buf, c.cusp, c.tail_secs, c.curve) = bad;
        let msg = ExecuteMsg::SetCurve { curve: c };
        assert!(matches!(
            contract_err(
                s.app
                    .execute_contract(owner.clone(), auction.clone(), &msg, &[])
            ),
            ContractError::InvalidCurve { .. }
        ));
    }
}

#[test]
fn bad_42_the_clearinghouse_primitives_answer_only_the_liquidator() {
    let mut s = Suite::levered();
    s.crash_until(0, 0, false);
    let stranger = s.traders[2].clone();
    let alice = AccountRef {
        owner: s.traders[0].to_string(),
        sub_id: 0,
    };
    let primitives = [
        ClearinghouseMsg::Seize {
            account: alice.clone(),
            keeper: stranger.to_string(),
        },
        ClearinghouseMsg::AuctionFill {
            lot: 1,
            bidder: AccountRef {
                owner: stranger.to_string(),
                sub_id: 0,
            },
            fraction: Decimal::one(),
            terms: ballast_types::clearinghouse::FillTerms::Bid {
                factor: Decimal::one(),
                max_price: SignedDecimal::MAX,
            },
        },
        ClearinghouseMsg::AuctionTip {
            lot: 1,
            keeper: stranger.to_string(),
        },
        ClearinghouseMsg::SettleDeficit(alice),
    ];
    for msg in primitives {
        let err = s.ch_exec(&stranger, &msg, &[]).unwrap_err();
        assert!(
            format!("{err:?}").contains("only the liquidator contract"),
            "{msg:?}: {err:?}"
        );
    }
    // Through the liquidator the same account is seized, and the keeper is its caller.
    let r = s.liquidate(0, 0).unwrap();
    assert_eq!(
        ballast_testing::attribute(&r, "keeper").as_deref(),
        Some(s.waterfall().keeper.as_str())
    );
    assert!(s.lot_status(1).active);
}

#[test]
fn bad_43_pagination_limit_of_millions_is_capped() {
    let mut s = Suite::levered();
    s.crash_until(0, 0, false);
    s.liquidate(0, 0).unwrap();
    let lots: Vec<LotStatus> = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.waterfall().liquidator,
            &QueryMsg::Lots {
                start_after: None,
                limit: Some(5_000_000),
            },
        )
        .unwrap();
    assert_eq!(lots.len(), 1);
}

#[test]
fn bad_44_migrate_only_from_this_contract_at_an_older_or_equal_version() {
    let mut s = Suite::levered();
    s.crash_until(0, 0, false);
    s.liquidate(0, 0).unwrap();
    let (owner, auction) = (s.owner.clone(), s.waterfall().liquidator.clone());
    let code = s
        .app
        .wrap()
        .query_wasm_contract_info(&auction)
        .unwrap()
        .code_id;
    // The same contract at the same version: allowed, state kept.
    s.app
        .migrate_contract(owner.clone(), auction, &MigrateMsg {}, code)
        .unwrap();
    assert!(s.lot_status(1).active);
    // Another contract (the oracle) migrated onto this code: refused, nothing changes.
    let oracle = s.oracle.clone();
    let err = s
        .app
        .migrate_contract(owner, oracle, &MigrateMsg {}, code)
        .unwrap_err();
    assert!(matches!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::BadMigration { .. }
    ));
    assert!(s.price("BTC").is_ok(), "the oracle still answers");
    // A newer stored version is refused too.
    use ballast_liquidator::contract::{CONTRACT_NAME, CONTRACT_VERSION};
    assert!(!ballast_types::version::migrate_allowed(
        CONTRACT_NAME,
        "99.0.0",
        CONTRACT_NAME,
        CONTRACT_VERSION
    ));
}
