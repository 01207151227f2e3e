use ballast_insurance_pool::contract::{execute, instantiate};
use ballast_insurance_pool::error::ContractError;
use ballast_types::insurance::{ConfigResponse, ExecuteMsg, InstantiateMsg, QueryMsg, Tranche};
use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
use cosmwasm_std::{coin, coins, Decimal, Uint128};

use ballast_testing::pool::{contract_err, Suite, COOLDOWN, USDC};

#[test]
fn instantiate_creates_two_share_tokens_minted_by_the_pool() {
    let s = Suite::new();
    for (tranche, name) in [
        (Tranche::Junior, "Ballast Insurance Junior"),
        (Tranche::Senior, "Ballast Insurance Senior"),
    ] {
        let t = s.tranche(tranche);
        assert_eq!(
            (t.assets, t.supply, t.locked),
            (Uint128::zero(), Uint128::zero(), Uint128::zero())
        );
        assert_eq!(t.share_price, Decimal::one(), "price 1 while empty");
        let token = s.token(tranche);
        let info: cw20::TokenInfoResponse = s
            .app
            .wrap()
            .query_wasm_smart(&token, &cw20::Cw20QueryMsg::TokenInfo {})
            .unwrap();
        assert_eq!((info.name.as_str(), info.decimals), (name, 6));
        let minter: Option<cw20::MinterResponse> = s
            .app
            .wrap()
            .query_wasm_smart(&token, &cw20::Cw20QueryMsg::Minter {})
            .unwrap();
        assert_eq!(minter.unwrap().minter, s.pool.to_string());
    }
    assert_ne!(s.token(Tranche::Junior), s.token(Tranche::Senior));
    let c: ConfigResponse = s.query(&QueryMsg::Config {});
    assert_eq!(
        c,
        ConfigResponse {
            settlement_denom: USDC.into(),
            clearinghouse: Some(s.clearinghouse.to_string()),
            liquidator: Some(s.liquidator.to_string()),
            share_code_id: s.token_code,
            cooldown_secs: COOLDOWN,
            withdraw_window_secs: ballast_testing::pool::WINDOW,
            junior_tilt: ballast_testing::pool::dec("0.5"),
        }
    );
    s.assert_conserved();
}

#[test]
fn deposits_mint_at_one_to_one_then_at_the_share_price() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    assert_eq!(s.shares("alice", Tranche::Junior), Uint128::new(1_000));
    s.deposit("alice", Tranche::Senior, 3_000).unwrap();
    assert_eq!(s.shares("alice", Tranche::Senior), Uint128::new(3_000));
    // Revenue 450: weights 1000 × 1.5 : 3000 → junior 150, senior 300.
    s.distribute("carol", 450).unwrap();
    let j = s.tranche(Tranche::Junior);
    assert_eq!(
        (j.assets, j.supply),
        (Uint128::new(1_150), Uint128::new(1_000))
    );
    // (1,150 + 1) / (1,000 + 1): the price a share is minted and redeemed at.
    assert_eq!(
        j.share_price,
        ballast_testing::pool::dec("1.149850149850149850")
    );
    // 500 × (1000 + 1) / (1150 + 1) = 434.8… → 434 (rounded down; 434.78… at the exact
    // price, so the virtual share costs bob nothing here).
    s.deposit("bob", Tranche::Junior, 500).unwrap();
    assert_eq!(s.shares("bob", Tranche::Junior), Uint128::new(434));
    let j = s.tranche(Tranche::Junior);
    assert_eq!(
        (j.assets, j.supply),
        (Uint128::new(1_650), Uint128::new(1_434))
    );
    s.assert_conserved();
}

#[test]
fn zero_deposit_and_wrong_denom_are_refused() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let before = s.snapshot();
    let deposit = ExecuteMsg::Deposit {
        tranche: Tranche::Junior,
    };
    assert_eq!(
        contract_err(s.exec("bob", &deposit, &[])),
        ContractError::NoFunds { denom: USDC.into() }
    );
    assert_eq!(
        contract_err(s.exec("bob", &deposit, &coins(500, "uatom"))),
        ContractError::WrongDenom {
            expected: USDC.into(),
            got: "uatom".into()
        }
    );
    assert_eq!(
        contract_err(s.exec("bob", &deposit, &[coin(500, "uatom"), coin(500, USDC)])),
        ContractError::SeveralDenoms {
            denom: USDC.into(),
            count: 2
        }
    );
    // A zero coin never reaches a contract: the bank (here cw-multi-test's, on a chain the
    // SDK's) refuses it first.
    let e = s.exec("bob", &deposit, &coins(0, USDC)).unwrap_err();
    assert!(
        format!("{e:#}").contains("Cannot transfer empty coins amount"),
        "{e:#}"
    );
    // Should one arrive anyway, the entry point refuses it.
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let init = InstantiateMsg {
        owner: owner.to_string(),
        settlement_denom: USDC.into(),
        clearinghouse: None,
        liquidator: None,
        share_code_id: 1,
        cooldown_secs: COOLDOWN,
        withdraw_window_secs: ballast_testing::pool::WINDOW,
        junior_tilt: Decimal::zero(),
    };
    instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), init).unwrap();
    for msg in [deposit.clone(), ExecuteMsg::DistributeRevenue {}] {
        let zero = message_info(&owner, &coins(0, USDC));
        assert_eq!(
            execute(deps.as_mut(), mock_env(), zero, msg).unwrap_err(),
            ContractError::ZeroAmount {}
        );
    }
    assert_eq!(s.snapshot(), before, "nothing changed");
    s.assert_conserved();
}

#[test]
fn bad_36_zero_share_deposit() {
    let mut s = Suite::new();
    // One share of the junior tranche, then revenue (senior is empty: all of it to junior):
    // a share now costs 1001 units.
    s.deposit("alice", Tranche::Junior, 1).unwrap();
    s.distribute("carol", 1_000).unwrap();
    assert_eq!(s.tranche(Tranche::Junior).assets, Uint128::new(1_001));
    let before = s.snapshot();
    // 500 × (1 + 1) / (1001 + 1) = 0.998 → 0 shares: refused, not swallowed.
    assert_eq!(
        contract_err(s.deposit("bob", Tranche::Junior, 500)),
        ContractError::ZeroShares {
            tranche: Tranche::Junior,
            amount: Uint128::new(500)
        }
    );
    assert_eq!(s.snapshot(), before, "nothing changed, bob keeps his coins");
    // 501 buys one share.
    s.deposit("bob", Tranche::Junior, 501).unwrap();
    assert_eq!(s.shares("bob", Tranche::Junior), Uint128::one());
    s.assert_conserved();
}
