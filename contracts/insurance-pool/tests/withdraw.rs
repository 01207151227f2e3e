use ballast_insurance_pool::error::ContractError;
use ballast_types::insurance::{ExecuteMsg, QueryMsg, Tranche, WithdrawalResponse};
use cosmwasm_std::Uint128;

use ballast_testing::pool::{contract_err, Suite, COOLDOWN, GENESIS, WINDOW};

#[test]
fn request_locks_shares_and_withdraw_pays_after_the_cooldown() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let id = s.request("alice", Tranche::Junior, 400).unwrap();
    assert_eq!(id, 0);
    let j = s.tranche(Tranche::Junior);
    assert_eq!(
        (j.supply, j.locked),
        (Uint128::new(1_000), Uint128::new(400)),
        "locked shares stay in the supply"
    );
    assert_eq!(s.shares("alice", Tranche::Junior), Uint128::new(600));
    let w: WithdrawalResponse = s.query(&QueryMsg::Withdrawal { id });
    assert_eq!(
        w,
        WithdrawalResponse {
            id,
            owner: s.addr("alice").to_string(),
            tranche: Tranche::Junior,
            shares: Uint128::new(400),
            requested_at: GENESIS,
            unlock_at: GENESIS + COOLDOWN,
            expires_at: GENESIS + COOLDOWN + WINDOW,
            value: Uint128::new(400),
        }
    );
    assert_eq!(s.pending(Some("alice"), None, None), vec![w]);
    s.assert_conserved();

    s.advance(COOLDOWN);
    let usdc = s.user_usdc("alice");
    s.withdraw("alice", id).unwrap();
    assert_eq!(s.user_usdc("alice") - usdc, Uint128::new(400));
    let j = s.tranche(Tranche::Junior);
    assert_eq!(
        (j.assets, j.supply, j.locked),
        (Uint128::new(600), Uint128::new(600), Uint128::zero())
    );
    assert!(s.pending(None, None, None).is_empty());
    let before = s.snapshot();
    assert_eq!(
        contract_err(s.withdraw("alice", id)),
        ContractError::UnknownWithdrawal { id },
        "paid once only"
    );
    assert_eq!(s.snapshot(), before);
    s.assert_conserved();
}

#[test]
fn bad_35_withdraw_before_cooldown() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Senior, 1_000).unwrap();
    let id = s.request("alice", Tranche::Senior, 1_000).unwrap();
    s.advance(COOLDOWN - 1);
    let before = s.snapshot();
    assert_eq!(
        contract_err(s.withdraw("alice", id)),
        ContractError::CooldownNotOver {
            id,
            unlock_at: GENESIS + COOLDOWN,
            now: GENESIS + COOLDOWN - 1
        }
    );
    assert_eq!(s.snapshot(), before, "nothing paid or burned, request kept");
    s.advance(1);
    s.withdraw("alice", id).unwrap();
    assert_eq!(s.tranche(Tranche::Senior).supply, Uint128::zero());
    s.assert_conserved();
}

#[test]
fn only_the_owner_withdraws_or_cancels_and_cancel_returns_the_shares() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let id = s.request("alice", Tranche::Junior, 300).unwrap();
    s.advance(COOLDOWN);
    let before = s.snapshot();
    let not_owner = ContractError::NotRequestOwner {
        id,
        sender: s.addr("mallory").to_string(),
    };
    assert_eq!(contract_err(s.withdraw("mallory", id)), not_owner);
    assert_eq!(
        contract_err(s.exec("mallory", &ExecuteMsg::CancelWithdraw { id }, &[])),
        not_owner
    );
    assert_eq!(
        contract_err(s.withdraw("alice", 7)),
        ContractError::UnknownWithdrawal { id: 7 }
    );
    assert_eq!(s.snapshot(), before);
    s.exec("alice", &ExecuteMsg::CancelWithdraw { id }, &[])
        .unwrap();
    assert_eq!(s.shares("alice", Tranche::Junior), Uint128::new(1_000));
    assert_eq!(s.tranche(Tranche::Junior).locked, Uint128::zero());
    assert!(s.pending(None, None, None).is_empty());
    s.assert_conserved();
}

#[test]
fn withdrawal_request_racing_cover_shares_loss() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.deposit("bob", Tranche::Junior, 1_000).unwrap();
    s.deposit("carol", Tranche::Senior, 1_000).unwrap();
    // Alice sees trouble coming and asks out; the shortfall lands during her cool-down.
    let id = s.request("alice", Tranche::Junior, 1_000).unwrap();
    s.advance(3_600);
    s.cover("liquidator", 500).unwrap();
    let w: WithdrawalResponse = s.query(&QueryMsg::Withdrawal { id });
    assert_eq!(
        w.value,
        Uint128::new(750),
        "locked shares bore half the loss"
    );
    s.advance(COOLDOWN);
    let usdc = s.user_usdc("alice");
    s.withdraw("alice", id).unwrap();
    assert_eq!(
        s.user_usdc("alice") - usdc,
        Uint128::new(750),
        "post-cover NAV"
    );
    let j = s.tranche(Tranche::Junior);
    assert_eq!(
        (j.assets, j.supply),
        (Uint128::new(750), Uint128::new(1_000)),
        "bob bore the same loss"
    );
    assert_eq!(
        s.tranche(Tranche::Senior).assets,
        Uint128::new(1_000),
        "senior untouched"
    );
    s.assert_conserved();
}

#[test]
fn locked_shares_still_earn_revenue_and_payouts_round_down() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.deposit("bob", Tranche::Junior, 2_000).unwrap();
    let id = s.request("alice", Tranche::Junior, 1_000).unwrap();
    s.distribute("carol", 1_000).unwrap(); // senior empty: all to junior
    s.advance(COOLDOWN);
    let usdc = s.user_usdc("alice");
    s.withdraw("alice", id).unwrap();
    // 1000 × (4000 + 1) / (3000 + 1) = 1333.2… → 1333; the remainder stays with bob's
    // shares.
    assert_eq!(s.user_usdc("alice") - usdc, Uint128::new(1_333));
    assert_eq!(s.tranche(Tranche::Junior).assets, Uint128::new(2_667));
    let id = s.request("bob", Tranche::Junior, 2_000).unwrap();
    s.advance(COOLDOWN);
    let usdc = s.user_usdc("bob");
    s.withdraw("bob", id).unwrap();
    // 2000 × (2667 + 1) / (2000 + 1) = 2666.6… → 2666: the last one out takes all but
    // the virtual share's part, which stays in the tranche.
    assert_eq!(s.user_usdc("bob") - usdc, Uint128::new(2_666));
    let j = s.tranche(Tranche::Junior);
    assert_eq!((j.assets, j.supply), (Uint128::one(), Uint128::zero()));
    s.assert_conserved();
}

/// An unlocked request is not a standing option to leave the moment a cover looks likely:
/// past the window it expires (its shares still locked and bearing losses) until cancelled
/// and requested again, which starts a new cool-down.
#[test]
fn an_unlocked_request_expires_after_the_window() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let id = s.request("alice", Tranche::Junior, 1_000).unwrap();
    s.advance(COOLDOWN + WINDOW + 1);
    let before = s.snapshot();
    assert_eq!(
        contract_err(s.withdraw("alice", id)),
        ContractError::RequestExpired {
            id,
            expired_at: GENESIS + COOLDOWN + WINDOW
        }
    );
    assert_eq!(s.snapshot(), before, "nothing paid or burned");
    s.exec("alice", &ExecuteMsg::CancelWithdraw { id }, &[])
        .unwrap();
    let again = s.request("alice", Tranche::Junior, 1_000).unwrap();
    assert!(matches!(
        contract_err(s.withdraw("alice", again)),
        ContractError::CooldownNotOver { .. }
    ));
    s.advance(COOLDOWN + WINDOW);
    s.withdraw("alice", again).unwrap();
    assert_eq!(s.tranche(Tranche::Junior).supply, Uint128::zero());
    s.assert_conserved();
}
