//! Attacks on the pool, each named after what it tries.

use ballast_insurance_pool::contract::{instantiate, reply};
use ballast_insurance_pool::error::ContractError;
use ballast_types::insurance::{ExecuteMsg, InstantiateMsg, ReceiveMsg, Tranche};
use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
use cosmwasm_std::{
    to_json_binary, Binary, MsgResponse, Reply, SubMsgResponse, SubMsgResult, Uint128,
};
use cw20::{Cw20Coin, Cw20ExecuteMsg, Cw20ReceiveMsg};
use cw_multi_test::Executor;

use crate::common::{contract_err, dec, Suite, COOLDOWN, FUNDS};

/// Requests all of `user`'s shares of `tranche`, waits out the cool-down and withdraws:
/// what was paid.
fn exit(s: &mut Suite, user: &str, tranche: Tranche) -> Uint128 {
    let shares = s.shares(user, tranche).u128();
    let id = s.request(user, tranche, shares).unwrap();
    s.advance(COOLDOWN);
    let before = s.user_usdc(user);
    s.withdraw(user, id).unwrap();
    s.user_usdc(user) - before
}

#[test]
fn first_depositor_inflation_attack_fails() {
    // By donation: a bank transfer straight to the pool moves no price.
    let mut s = Suite::new();
    s.deposit("mallory", Tranche::Junior, 1).unwrap();
    s.donate("mallory", 1_000_000_000);
    assert_eq!(s.tranche(Tranche::Junior).share_price, dec("1"));
    s.deposit("alice", Tranche::Junior, 1_000_000).unwrap();
    assert_eq!(
        s.shares("alice", Tranche::Junior),
        Uint128::new(1_000_000),
        "fair shares"
    );
    s.assert_conserved();
    assert_eq!(exit(&mut s, "mallory", Tranche::Junior), Uint128::one());
    assert_eq!(
        exit(&mut s, "alice", Tranche::Junior),
        Uint128::new(1_000_000)
    );
    assert_eq!(
        s.user_usdc("mallory").u128(),
        FUNDS - 1_000_000_000,
        "the donation is lost"
    );
    s.assert_conserved();

    // By revenue into a one-share tranche: the virtual share and asset make the attacker
    // pay at least what it could take.
    let mut s = Suite::new();
    s.deposit("mallory", Tranche::Junior, 1).unwrap();
    s.distribute("mallory", 1_000_000).unwrap();
    assert_eq!(
        contract_err(s.deposit("alice", Tranche::Junior, 500_000)),
        ContractError::ZeroShares {
            tranche: Tranche::Junior,
            amount: Uint128::new(500_000)
        },
        "a deposit that would buy nothing is refused, not swallowed"
    );
    s.deposit("alice", Tranche::Junior, 1_500_000).unwrap();
    let mallory_out = exit(&mut s, "mallory", Tranche::Junior);
    let alice_out = exit(&mut s, "alice", Tranche::Junior);
    assert!(
        mallory_out.u128() < 1_000_001,
        "attacker lost: {mallory_out}"
    );
    assert!(
        alice_out.u128() >= 1_500_000,
        "victim lost nothing: {alice_out}"
    );
    s.assert_conserved();
}

#[test]
fn bad_42_reply_or_receive_from_outsider() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let mallory = s.addr("mallory");
    let fake = s
        .app
        .instantiate_contract(
            s.token_code,
            mallory.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Ballast Insurance Junior".into(),
                symbol: "bINS-JR".into(),
                decimals: 6,
                initial_balances: vec![Cw20Coin {
                    address: mallory.to_string(),
                    amount: Uint128::new(1_000_000),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "fake shares",
            None,
        )
        .unwrap();
    let request = to_json_binary(&ReceiveMsg::RequestWithdraw {}).unwrap();
    let before = s.snapshot();
    let send = Cw20ExecuteMsg::Send {
        contract: s.pool.to_string(),
        amount: Uint128::new(1_000_000),
        msg: request.clone(),
    };
    let not_share = ContractError::NotShareToken {
        sender: fake.to_string(),
    };
    assert_eq!(
        contract_err(
            s.app
                .execute_contract(mallory.clone(), fake.clone(), &send, &[])
        ),
        not_share
    );
    // Calling the hook directly, posing as a holder of real shares.
    let forged = ExecuteMsg::Receive(Cw20ReceiveMsg {
        sender: mallory.to_string(),
        amount: Uint128::new(1_000),
        msg: request,
    });
    assert_eq!(
        contract_err(s.exec("mallory", &forged, &[])),
        ContractError::NotShareToken {
            sender: mallory.to_string()
        }
    );
    assert_eq!(s.snapshot(), before, "no request, no shares moved");
    assert_eq!(s.cw20_balance(&fake, &mallory), Uint128::new(1_000_000));
    s.assert_conserved();

    // Replies: only the two instantiation replies, once each.
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    let msg = InstantiateMsg {
        owner: owner.to_string(),
        settlement_denom: "uusdc".into(),
        clearinghouse: None,
        share_code_id: 1,
        cooldown_secs: COOLDOWN,
        withdraw_window_secs: crate::common::WINDOW,
        junior_tilt: dec("0.5"),
    };
    let r = instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
    assert_eq!(r.messages.len(), 2, "two share tokens");
    let token = deps.api.addr_make("junior-token");
    let ok = |id: u64, value: Binary| {
        #[allow(deprecated)]
        let response = SubMsgResponse {
            events: vec![],
            data: None,
            msg_responses: vec![MsgResponse {
                type_url: "/cosmwasm.wasm.v1.MsgInstantiateContractResponse".into(),
                value,
            }],
        };
        Reply {
            id,
            payload: Binary::default(),
            gas_used: 0,
            result: SubMsgResult::Ok(response),
        }
    };
    // Protobuf MsgInstantiateContractResponse { contract_address = 1 }.
    let mut encoded = vec![0x0a, token.as_str().len() as u8];
    encoded.extend_from_slice(token.as_str().as_bytes());
    reply(deps.as_mut(), mock_env(), ok(1, encoded.clone().into())).unwrap();
    assert_eq!(
        reply(deps.as_mut(), mock_env(), ok(1, encoded.clone().into())).unwrap_err(),
        ContractError::TokenAlreadySet {
            tranche: Tranche::Junior
        }
    );
    assert_eq!(
        reply(deps.as_mut(), mock_env(), ok(99, encoded.into())).unwrap_err(),
        ContractError::UnknownReply { id: 99 }
    );
    assert!(matches!(
        reply(deps.as_mut(), mock_env(), ok(2, vec![0xff, 0x01].into())).unwrap_err(),
        ContractError::BadInstantiateReply { .. }
    ));
    let failed = Reply {
        id: 2,
        payload: Binary::default(),
        gas_used: 0,
        result: SubMsgResult::Err("boom".into()),
    };
    assert!(matches!(
        reply(deps.as_mut(), mock_env(), failed).unwrap_err(),
        ContractError::BadInstantiateReply { .. }
    ));
}

#[test]
fn holder_burning_own_shares_leaves_their_value_to_the_others() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.deposit("bob", Tranche::Junior, 1_000).unwrap();
    let token = s.token(Tranche::Junior);
    s.app
        .execute_contract(
            s.addr("alice"),
            token,
            &Cw20ExecuteMsg::Burn {
                amount: Uint128::new(500),
            },
            &[],
        )
        .unwrap();
    assert_eq!(s.tranche(Tranche::Junior).supply, Uint128::new(1_500));
    s.assert_conserved();
    // 1000 × 2000 / 1500 = 1333.3… → 1333.
    assert_eq!(exit(&mut s, "bob", Tranche::Junior), Uint128::new(1_333));
    assert_eq!(exit(&mut s, "alice", Tranche::Junior), Uint128::new(667));
    s.assert_conserved();
}
