use ballast_testing::{Suite, GENESIS_BALANCE, SETTLEMENT};
use ballast_types::clearinghouse::{
    AccountMode, AccountRef, CallbackMsg, ExecuteMsg, Page, QueryMsg, ReceiveMsg, SubAccount,
};
use cosmwasm_std::{coin, to_json_binary, Int128, SignedDecimal, Uint128};
use cw_multi_test::Executor;

use crate::{contract_err, inv_conservation, ledger};
use ballast_clearinghouse::error::ContractError;

const ALICE: usize = 0;
const BOB: usize = 1;

fn funded() -> Suite {
    let mut s = Suite::full();
    s.create_account(ALICE, 0, AccountMode::Portfolio).unwrap();
    s.create_account(BOB, 0, AccountMode::Cross).unwrap();
    s.deposit(ALICE, 0, 10_000_000_000, SETTLEMENT).unwrap();
    s.deposit(ALICE, 0, 1_000_000_000, "uatom").unwrap();
    s.deposit_statom(ALICE, 0, 500_000_000).unwrap();
    inv_conservation(&s);
    s
}

#[test]
fn deposits_and_withdrawals_move_tokens_and_ledger_together() {
    let mut s = funded();
    let a = s.account(ALICE, 0).unwrap();
    assert_eq!(a.settlement, Int128::new(10_000_000_000));
    let held: Vec<(String, u128)> = a
        .collateral
        .iter()
        .map(|h| (h.collateral.clone(), h.amount.u128()))
        .collect();
    assert_eq!(
        held,
        vec![
            ("atom".into(), 1_000_000_000),
            ("statom".into(), 500_000_000)
        ]
    );
    let alice = s.traders[ALICE].clone();
    s.withdraw(ALICE, 0, SETTLEMENT, 4_000_000_000).unwrap();
    s.withdraw(ALICE, 0, "atom", 1_000_000_000).unwrap();
    s.withdraw(ALICE, 0, "statom", 200_000_000).unwrap();
    inv_conservation(&s);
    assert_eq!(
        s.balance(&alice, SETTLEMENT),
        GENESIS_BALANCE - 6_000_000_000
    );
    assert_eq!(s.balance(&alice, "uatom"), GENESIS_BALANCE);
    assert_eq!(s.statom_balance(&alice), GENESIS_BALANCE - 300_000_000);
    let a = s.account(ALICE, 0).unwrap();
    assert_eq!(a.settlement, Int128::new(6_000_000_000));
    assert_eq!(a.collateral.len(), 1, "an emptied holding is removed");
}

#[test]
fn margin_report_values_collateral_at_oracle_prices_and_weights() {
    let mut s = funded();
    let r = s.margin(ALICE, 0).unwrap();
    // 10,000 USDC + 1,000 ATOM × $10 × 0.8 + 500 stATOM × $12 × 0.85, in uusdc.
    let want = 10_000_000_000i128 + 8_000_000_000 + 5_100_000_000;
    assert_eq!(r.equity, SignedDecimal::from_atomics(want, 0).unwrap());
    assert_eq!(
        r.collateral_value,
        SignedDecimal::from_atomics(26_000_000_000i128, 0).unwrap()
    );
    // Portfolio mode reprices ATOM-linked collateral in the scenarios: with a young oracle
    // (ATOM's prior σ = 90 %, no returns yet) R = z·σ·√(2 h / year) = 6.75 × 0.9 × 0.0151
    // = 9.18 % (above ATOM's 5 % floor), so MM = R × the 13,100 USD of weighted ATOM
    // exposure, and IM = 1.25 × MM.
    let mm: f64 = r.maintenance_margin.to_string().parse().unwrap();
    let range = 6.75 * 0.9 * (7200.0f64 / 31_557_600.0).sqrt();
    assert!((mm - range * 13_100_000_000.0).abs() < 1_000.0, "MM {mm}");
    assert!(r.initial_margin > r.maintenance_margin);
    // In cross mode collateral risk is the haircut alone: nothing is required.
    s.deposit(BOB, 0, 1_000_000_000, "uatom").unwrap();
    let cross = s.margin(BOB, 0).unwrap();
    assert!(cross.maintenance_margin.is_zero() && cross.initial_margin.is_zero());
    // ATOM-linked collateral shows as ATOM delta: 800 + 500 × 12 / 10 × 0.85 = 1,310 ATOM.
    let atom = r
        .greeks
        .iter()
        .find(|g| !g.delta.is_zero())
        .expect("ATOM greeks");
    assert_eq!(
        atom.delta,
        SignedDecimal::from_atomics(1_310i128, 0).unwrap()
    );
    let what_if: ballast_risk::model::MarginReport = s
        .ch_query(&QueryMsg::WhatIfWithdraw {
            owner: s.traders[ALICE].to_string(),
            sub_id: 0,
            collateral: "atom".into(),
            amount: Uint128::new(500_000_000),
        })
        .unwrap();
    assert_eq!(
        what_if.equity,
        SignedDecimal::from_atomics(want - 4_000_000_000, 0).unwrap()
    );
    assert_eq!(s.margin(ALICE, 0).unwrap(), r, "a what-if changes nothing");
    inv_conservation(&s);
}

#[test]
fn bad_15_unlisted_denom() {
    let mut s = funded();
    let before = ledger(&s);
    assert_eq!(
        contract_err(s.deposit(ALICE, 0, 1_000, "uosmo")),
        ContractError::UnlistedDenom {
            denom: "uosmo".into()
        }
    );
    assert!(matches!(
        contract_err(s.withdraw(ALICE, 0, "osmo", 1)),
        ContractError::NotListed { .. }
    ));
    assert_eq!(ledger(&s), before);
}

#[test]
fn bad_16_several_denoms_or_none() {
    let mut s = funded();
    let before = ledger(&s);
    let alice = s.traders[ALICE].clone();
    let two = [coin(1_000, SETTLEMENT), coin(1_000, "uatom")];
    assert!(matches!(
        contract_err(s.ch_exec(&alice, &ExecuteMsg::Deposit(SubAccount { sub_id: 0 }), &two)),
        ContractError::Payment(_)
    ));
    assert!(matches!(
        contract_err(s.ch_exec(&alice, &ExecuteMsg::Deposit(SubAccount { sub_id: 0 }), &[])),
        ContractError::Payment(_)
    ));
    assert_eq!(ledger(&s), before);
    inv_conservation(&s);
}

#[test]
fn bad_17_zero_amount() {
    let mut s = funded();
    let before = ledger(&s);
    assert_eq!(
        contract_err(s.withdraw(ALICE, 0, "atom", 0)),
        ContractError::ZeroAmount {}
    );
    assert_eq!(
        contract_err(s.withdraw(ALICE, 0, SETTLEMENT, 0)),
        ContractError::ZeroAmount {}
    );
    assert_eq!(ledger(&s), before);
}

#[test]
fn bad_18_cw20_receive_from_unlisted_token() {
    let mut s = funded();
    let before = ledger(&s);
    // A token contract that is not listed calls Receive directly, claiming a deposit.
    let fake = s.app.api().addr_make("fake-token");
    let msg = ExecuteMsg::Receive(cw20::Cw20ReceiveMsg {
        sender: s.traders[ALICE].to_string(),
        amount: Uint128::new(1_000_000),
        msg: to_json_binary(&ReceiveMsg::Deposit(SubAccount { sub_id: 0 })).unwrap(),
    });
    assert_eq!(
        contract_err(s.ch_exec(&fake, &msg, &[])),
        ContractError::UnlistedToken {
            token: fake.to_string()
        }
    );
    assert_eq!(ledger(&s), before);
    inv_conservation(&s);
}

#[test]
fn bad_20_withdrawal_larger_than_the_balance() {
    let mut s = funded();
    let before = ledger(&s);
    assert!(matches!(
        contract_err(s.withdraw(ALICE, 0, "atom", 1_000_000_001)),
        ContractError::InsufficientBalance { .. }
    ));
    assert!(matches!(
        contract_err(s.withdraw(ALICE, 0, SETTLEMENT, 10_000_000_001)),
        ContractError::InsufficientSettlement { .. }
    ));
    assert!(matches!(
        contract_err(s.withdraw(BOB, 0, "statom", 1)),
        ContractError::InsufficientBalance { .. }
    ));
    assert_eq!(ledger(&s), before);
}

#[test]
fn bad_21_no_deposit_into_someone_elses_account() {
    let mut s = funded();
    let before = ledger(&s);
    // Bob names Alice's sub-account 7 (which does not exist for him): funds always go to the
    // sender's own (owner, sub_id), so this fails instead of crediting anyone.
    assert!(matches!(
        contract_err(s.deposit(BOB, 7, 1_000, SETTLEMENT)),
        ContractError::NoAccount { .. }
    ));
    assert!(matches!(
        contract_err(s.deposit_statom(BOB, 7, 1_000)),
        ContractError::NoAccount { .. }
    ));
    assert_eq!(ledger(&s), before);
    inv_conservation(&s);
}

#[test]
fn bad_22_amounts_near_u128_max() {
    let mut s = funded();
    let before = ledger(&s);
    assert!(matches!(
        contract_err(s.withdraw(ALICE, 0, "atom", u128::MAX)),
        ContractError::InsufficientBalance { .. }
    ));
    assert!(s.withdraw(ALICE, 0, SETTLEMENT, u128::MAX).is_err());
    let what_if: Result<ballast_risk::model::MarginReport, _> =
        s.ch_query(&QueryMsg::WhatIfWithdraw {
            owner: s.traders[ALICE].to_string(),
            sub_id: 0,
            collateral: SETTLEMENT.into(),
            amount: Uint128::MAX,
        });
    assert!(what_if.is_err());
    assert_eq!(ledger(&s), before);
}

#[test]
fn concentration_cap_limits_deposits() {
    let mut s = funded();
    let owner = s.owner.clone();
    let listed: Vec<ballast_types::clearinghouse::NamedCollateral> = s
        .views_query(&ballast_types::views::QueryMsg::Collaterals(Page {
            start_after: None,
            limit: None,
        }))
        .unwrap();
    let mut config = listed.into_iter().find(|c| c.id == "atom").unwrap().config;
    config.cap = Uint128::new(1_500_000_000);
    s.ch_exec(
        &owner,
        &ExecuteMsg::SetCollateral {
            id: "atom".into(),
            config,
        },
        &[],
    )
    .unwrap();
    let before = ledger(&s);
    assert!(matches!(
        contract_err(s.deposit(BOB, 0, 600_000_000, "uatom")),
        ContractError::CapExceeded { .. }
    ));
    assert_eq!(ledger(&s), before);
    s.deposit(BOB, 0, 500_000_000, "uatom").unwrap();
    inv_conservation(&s);
}

#[test]
fn bad_23_withdrawal_with_a_stale_oracle_is_refused() {
    let mut s = funded();
    s.advance(120);
    let before = ledger(&s);
    let err = s.withdraw(ALICE, 0, SETTLEMENT, 1_000).unwrap_err();
    assert!(format!("{err:?}").contains("stale"), "{err:?}");
    assert_eq!(ledger(&s), before);
    inv_conservation(&s);
    // Fresh prices again: the same withdrawal goes through.
    s.feed(&[("BTC", "60000"), ("ATOM", "10"), ("STATOM", "12")]);
    s.withdraw(ALICE, 0, SETTLEMENT, 1_000).unwrap();
    inv_conservation(&s);
}

#[test]
fn bad_42_callback_invoked_by_an_outside_address() {
    let mut s = funded();
    let alice = s.traders[ALICE].clone();
    let msg = ExecuteMsg::Callback(CallbackMsg::AssertInitialMargin(AccountRef {
        owner: alice.to_string(),
        sub_id: 0,
    }));
    assert_eq!(
        contract_err(s.ch_exec(&alice, &msg, &[])),
        ContractError::CallbackNotFromSelf {
            sender: alice.to_string()
        }
    );
}

#[test]
fn accounts_are_created_once_per_sub_id() {
    let mut s = funded();
    assert!(matches!(
        contract_err(s.create_account(ALICE, 0, AccountMode::Cross)),
        ContractError::AccountExists { .. }
    ));
    s.create_account(
        ALICE,
        1,
        AccountMode::Isolated {
            market: "BTC-PERP".into(),
        },
    )
    .unwrap();
    assert!(matches!(
        contract_err(s.create_account(
            ALICE,
            2,
            AccountMode::Isolated {
                market: "FOO".into()
            }
        )),
        ContractError::NotListed { .. }
    ));
    let accounts = ledger(&s);
    assert_eq!(accounts.len(), 3);
    // A token sent with an unknown hook message is refused by the hook's parser.
    let token = s.ch().statom.clone();
    let ch = s.ch().clearinghouse.clone();
    let alice = s.traders[ALICE].clone();
    let bad = cw20::Cw20ExecuteMsg::Send {
        contract: ch.to_string(),
        amount: Uint128::new(5),
        msg: to_json_binary(&"nope").unwrap(),
    };
    assert!(s.app.execute_contract(alice, token, &bad, &[]).is_err());
    inv_conservation(&s);
}
