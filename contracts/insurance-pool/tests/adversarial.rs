//! Attacks on the pool, each named after what it tries.

use ballast_insurance_pool::contract::{instantiate, reply};
use ballast_insurance_pool::error::ContractError;
use ballast_insurance_pool::math::assets_for_shares;
use ballast_types::insurance::{
    ExecuteMsg, InstantiateMsg, QueryMsg, ReceiveMsg, Tranche, WithdrawalResponse,
};
use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
use cosmwasm_std::{
    to_json_binary, Binary, MsgResponse, Reply, SubMsgResponse, SubMsgResult, Uint128,
};
use cw20::{Cw20Coin, Cw20ExecuteMsg, Cw20ReceiveMsg};
use cw_multi_test::Executor;

use crate::deficit::{known, Standin};
use ballast_testing::pool::{contract_err, dec, Suite, COOLDOWN, FUNDS};

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
    // A share costs (1,000,001 + 1) / (1 + 1) = 500,001 now: 1,500,000 buys 2.99… → 2
    // shares. Less than a share's worth of rounding is the buyer's to lose, as with any
    // whole-share purchase; it goes to the tranche, of which the attacker's one share gets
    // a quarter and the virtual share a quarter.
    s.deposit("alice", Tranche::Junior, 1_500_000).unwrap();
    assert_eq!(s.shares("alice", Tranche::Junior), Uint128::new(2));
    let mallory_out = exit(&mut s, "mallory", Tranche::Junior);
    let alice_out = exit(&mut s, "alice", Tranche::Junior);
    // 1 × (2,500,001 + 1) / (3 + 1) = 625,000; then 2 × (1,875,001 + 1) / (2 + 1).
    assert_eq!(
        mallory_out,
        Uint128::new(625_000),
        "attacker paid 1,000,001"
    );
    assert_eq!(alice_out, Uint128::new(1_250_001), "victim paid 1,500,000");
    assert!(
        1_000_001 - mallory_out.u128() > 1_500_000 - alice_out.u128(),
        "the attacker loses more than it makes the victim lose"
    );
    // (Redeeming at assets / supply, as before, paid Alice 1,666,667 of the attacker's
    // coin: the victim "lost nothing" because the redemption took from the seed holder.)
    s.assert_conserved();
}

/// The virtual share and asset price a share both ways. Minting at
/// (assets + 1) / (supply + 1) and redeeming at assets / supply let a deposit followed by a
/// withdrawal take the difference from the seed holder while the supply was small: here a
/// 1,000 USDC round trip into a tranche of 1,000 shares worth 1,001,000 units paid out
/// 1,000,000,998. Priced the same way both times, the round trip never gains, and the seed
/// holder's shares are worth no less after it.
#[test]
fn adv_15_virtual_shares_both_ways() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    s.distribute("carol", 1_000_000).unwrap(); // no senior shares: all to junior
    let seed_value = |s: &Suite| {
        let t = s.tranche(Tranche::Junior);
        assets_for_shares(s.shares("alice", Tranche::Junior), t.assets, t.supply).unwrap()
    };
    // 1,000 × (1,001,000 + 1) / (1,000 + 1) = 1,000,000.9… → 1,000,000.
    assert_eq!(seed_value(&s), Uint128::new(1_000_000));
    // 10^9 × 1,001 / 1,001,001 = 999,999.0… → 999,999 shares; redeemed after the cool-down
    // at 999,999 × (1,001,001,000 + 1) / (1,000,999 + 1) = 999,999,999.9… → 999,999,999.
    s.deposit("bob", Tranche::Junior, 1_000_000_000).unwrap();
    assert_eq!(s.shares("bob", Tranche::Junior), Uint128::new(999_999));
    let id = s.request("bob", Tranche::Junior, 999_999).unwrap();
    let w: WithdrawalResponse = s.query(&QueryMsg::Withdrawal { id });
    assert_eq!(
        w.value,
        Uint128::new(999_999_999),
        "the query quotes the same price"
    );
    s.advance(COOLDOWN);
    let before = s.user_usdc("bob");
    s.withdraw("bob", id).unwrap();
    assert_eq!(s.user_usdc("bob") - before, Uint128::new(999_999_999));
    assert_eq!(
        seed_value(&s),
        Uint128::new(1_000_001),
        "the seed holder lost nothing"
    );
    let t = s.tranche(Tranche::Junior);
    assert_eq!(
        (t.assets, t.supply),
        (Uint128::new(1_001_001), Uint128::new(1_000))
    );
    // (1,001,001 + 1) / (1,000 + 1), rounded down.
    assert_eq!(t.share_price, dec("1000.001998001998001998"));
    s.assert_conserved();

    // The same round trip over amounts from one share to 10^14 units, each after the last: never
    // more back than paid in, and the seed holder's shares never worth less.
    for amount in [
        1_001u128,
        1_234_567,
        999_999_999,
        10u128.pow(12),
        10u128.pow(14),
    ] {
        let seed = seed_value(&s);
        s.deposit("bob", Tranche::Junior, amount).unwrap();
        let shares = s.shares("bob", Tranche::Junior).u128();
        let out = exit(&mut s, "bob", Tranche::Junior);
        assert!(
            out.u128() <= amount,
            "{amount}: {out} back for {shares} shares"
        );
        assert!(
            seed_value(&s) >= seed,
            "{amount}: seed {seed} → {}",
            seed_value(&s)
        );
        s.assert_conserved();
    }
}

/// "A holder whose withdrawal request is already unlocked can exit ahead of a deficit
/// everyone can see coming": two junior holders of 30,000 USDC, a lot open whose account is
/// 18,774.56 USDC below zero at the mark. Valued at the ledger, the first out took 30,000
/// and left the whole cover to the other (11,225.44). Valued net of the known deficit, the
/// first out gets what it would have had with the cover first, and so does the other:
/// 20,612.72 each.
#[test]
fn adv_also_withdrawal_ahead_of_a_known_deficit() {
    const USDC: u128 = 1_000_000;
    const DEFICIT: u128 = 18_774_560_000;
    let outcome = |cover_first: bool| -> (u128, u128) {
        let mut d = Standin::new();
        d.s.deposit("alice", Tranche::Junior, 30_000 * USDC)
            .unwrap();
        d.s.deposit("bob", Tranche::Junior, 30_000 * USDC).unwrap();
        let id =
            d.s.request("alice", Tranche::Junior, 30_000 * USDC)
                .unwrap();
        d.s.advance(COOLDOWN);
        // The lot opens: its account owed 25,000 and holds 6,225.44 at the mark.
        d.set(DEFICIT, 1, 0, true);
        assert_eq!(d.known(), known(DEFICIT, DEFICIT, 0, 1, 0, true));
        let before = d.s.user_usdc("alice");
        // The lot closes: the liquidator's count drops it and the pool covers it.
        let close = |d: &mut Standin| {
            d.set(0, 0, 0, true);
            d.close_with_cover(DEFICIT);
        };
        if cover_first {
            close(&mut d);
            d.s.withdraw("alice", id).unwrap();
        } else {
            d.s.withdraw("alice", id).unwrap();
            close(&mut d);
        }
        let alice = (d.s.user_usdc("alice") - before).u128();
        let t = d.s.tranche(Tranche::Junior);
        let bob = assets_for_shares(d.s.shares("bob", Tranche::Junior), t.assets, t.supply)
            .unwrap()
            .u128();
        assert_eq!(d.known(), known(0, 0, 0, 0, 0, true), "closed");
        d.s.assert_conserved();
        (alice, bob)
    };
    // 30,000 × (60,000 − 18,774.56 + 10^-6) / (60,000 + 10^-6), in base units, rounded
    // down: 20,612.72; Bob keeps (39,387.28 − 18,774.56).
    assert_eq!(outcome(false), (20_612_720_000, 20_612_720_000));
    assert_eq!(outcome(true), (20_612_720_000, 20_612_720_000));
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
        liquidator: None,
        share_code_id: 1,
        cooldown_secs: COOLDOWN,
        withdraw_window_secs: ballast_testing::pool::WINDOW,
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
    // 1000 × (2000 + 1) / (1500 + 1) = 1333.1… → 1333; then 500 × (667 + 1) / (500 + 1)
    // = 666.6… → 666, the last unit staying with the virtual share.
    assert_eq!(exit(&mut s, "bob", Tranche::Junior), Uint128::new(1_333));
    assert_eq!(exit(&mut s, "alice", Tranche::Junior), Uint128::new(666));
    assert_eq!(s.tranche(Tranche::Junior).assets, Uint128::one());
    s.assert_conserved();
}

/// Every message that takes no payment refuses attached coins before doing anything (they
/// would sit outside the ledger); only `Deposit` and `DistributeRevenue` take coins. No
/// code change was needed for this: `execute` checks `nonpayable` before it dispatches, and
/// this test keeps it so for every variant.
#[test]
fn adv_13_pool_refuses_attached_funds() {
    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let id = s.request("alice", Tranche::Junior, 100).unwrap();
    s.advance(COOLDOWN);
    // The owner needs coins to attach.
    let (alice, owner) = (s.addr("alice"), s.owner.clone());
    s.app
        .send_tokens(alice, owner, &cosmwasm_std::coins(100, "uusdc"))
        .unwrap();
    let unpaid = [
        ExecuteMsg::SweepStray {},
        ExecuteMsg::Receive(Cw20ReceiveMsg {
            sender: s.addr("alice").to_string(),
            amount: Uint128::new(1),
            msg: to_json_binary(&ReceiveMsg::RequestWithdraw {}).unwrap(),
        }),
        ExecuteMsg::Withdraw { id },
        ExecuteMsg::CancelWithdraw { id },
        ExecuteMsg::CoverShortfall {
            amount: Uint128::new(1),
        },
        ExecuteMsg::SetBackstop {
            auction: None,
            sub_id: 0,
            agent: None,
        },
        ExecuteMsg::FundBackstop {
            amount: Uint128::new(1),
        },
        ExecuteMsg::DefundBackstop {
            amount: Uint128::new(1),
        },
        ExecuteMsg::Backstop { lot: 1 },
        ExecuteMsg::UpdateConfig {
            clearinghouse: None,
            liquidator: None,
            cooldown_secs: None,
            withdraw_window_secs: None,
            junior_tilt: None,
        },
        ExecuteMsg::UpdateOwnership(cw_ownable::Action::RenounceOwnership),
    ];
    let before = s.snapshot();
    // Each sent by whoever may send it, so only the coins can be the reason for refusal.
    for msg in unpaid {
        let sender = match msg {
            ExecuteMsg::CoverShortfall { .. } => "liquidator",
            ExecuteMsg::Withdraw { .. } | ExecuteMsg::CancelWithdraw { .. } => "alice",
            ExecuteMsg::SweepStray {} | ExecuteMsg::Receive(_) | ExecuteMsg::Backstop { .. } => {
                "mallory"
            }
            _ => "owner",
        };
        assert_eq!(
            contract_err(s.exec(sender, &msg, &cosmwasm_std::coins(5, "uusdc"))),
            ContractError::Payment(cw_utils::PaymentError::NonPayable {}),
            "{msg:?}"
        );
    }
    assert_eq!(s.snapshot(), before, "nothing moved");
    // The request is still there and pays without coins.
    s.withdraw("alice", id).unwrap();
    s.assert_conserved();
}
