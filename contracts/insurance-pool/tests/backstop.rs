//! The backstop's books with a stand-in clearinghouse whose account equity the test sets:
//! funding and defunding, the junior value counting the account's equity, covers that the
//! senior tranche pays while the junior tranche's value sits in the account (a debt), its
//! repayment, its write-off when the equity falls, and covers that go on when the account
//! cannot be valued.

use ballast_insurance_pool::error::ContractError;
use ballast_risk::model::{MarginMode, MarginReport};
use ballast_types::clearinghouse::{ExecuteMsg as ChMsg, QueryMsg as ChQuery};
use ballast_types::insurance::{
    BackstopResponse, CoverRecord, ExecuteMsg, QueryMsg, Tranche, TrancheResponse,
};
use cosmwasm_std::{
    coins, to_json_binary, Addr, BankMsg, Binary, Deps, DepsMut, Env, MessageInfo, Response,
    SignedDecimal, StdError, StdResult, Uint128, WasmMsg,
};
use cw_multi_test::{ContractWrapper, Executor};
use cw_storage_plus::Item;
use serde::{Deserialize, Serialize};

use ballast_testing::pool::{contract_err, Suite, USDC};

/// The stand-in's account equity; `None` answers the margin query with an error (a stale
/// price).
const EQUITY: Item<Option<i128>> = Item::new("equity");

#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum MockMsg {
    Clearinghouse(Box<ChMsg>),
    Hook(Hook),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Hook {
    SetEquity { equity: Option<u64> },
    Cover { pool: String, amount: Uint128 },
}

fn equity(deps: &DepsMut) -> StdResult<i128> {
    Ok(EQUITY.may_load(deps.storage)?.flatten().unwrap_or_default())
}

fn mock_execute(deps: DepsMut, _: Env, info: MessageInfo, msg: MockMsg) -> StdResult<Response> {
    let msg = match msg {
        MockMsg::Clearinghouse(msg) => Ok(*msg),
        MockMsg::Hook(hook) => Err(hook),
    };
    match msg {
        Ok(ChMsg::Deposit(_)) => {
            let e = equity(&deps)? + info.funds[0].amount.u128() as i128;
            EQUITY.save(deps.storage, &Some(e))?;
            Ok(Response::new())
        }
        Ok(ChMsg::Withdraw { amount, .. }) => {
            let e = equity(&deps)? - amount.u128() as i128;
            if e < 0 {
                return Err(StdError::generic_err("below initial margin"));
            }
            EQUITY.save(deps.storage, &Some(e))?;
            Ok(Response::new().add_message(BankMsg::Send {
                to_address: info.sender.to_string(),
                amount: coins(amount.u128(), USDC),
            }))
        }
        Ok(_) => Ok(Response::new()),
        Err(Hook::SetEquity { equity }) => {
            EQUITY.save(deps.storage, &equity.map(i128::from))?;
            Ok(Response::new())
        }
        Err(Hook::Cover { pool, amount }) => {
            let msg = ExecuteMsg::CoverShortfall { amount };
            Ok(Response::new()
                .add_message(WasmMsg::Execute {
                    contract_addr: pool,
                    msg: to_json_binary(&msg)?,
                    funds: vec![],
                })
                .set_data(Binary::default()))
        }
    }
}

fn mock_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Binary) -> StdResult<Response> {
    Ok(Response::new())
}

fn mock_query(deps: Deps, _: Env, msg: ChQuery) -> StdResult<Binary> {
    let ChQuery::Margin(_) = msg else {
        return Err(StdError::generic_err("not mocked"));
    };
    let Some(e) = EQUITY.may_load(deps.storage)?.unwrap_or(Some(0)) else {
        return Err(StdError::generic_err("oracle: stale price"));
    };
    let zero = SignedDecimal::zero();
    to_json_binary(&MarginReport {
        mode: MarginMode::Cross,
        equity: SignedDecimal::from_atomics(e, 0).expect("equity"),
        initial_margin: zero,
        maintenance_margin: zero,
        health: None,
        floor: zero,
        liquidity_addon: zero,
        greeks: vec![],
        worst_scenario: None,
        gross_notional: zero,
        collateral_value: zero,
        capital_efficiency: None,
    })
}

struct Books {
    s: Suite,
    ch: Addr,
}

impl Books {
    /// Junior 1,000 (alice) and senior 1,000 (bob); the stand-in clearinghouse; a backstop
    /// account funded with 600 of the junior tranche's coin.
    fn new() -> Books {
        let mut s = Suite::new();
        let code = s.app.store_code(Box::new(ContractWrapper::new(
            mock_execute,
            mock_instantiate,
            mock_query,
        )));
        let owner = s.owner.clone();
        let ch = s
            .app
            .instantiate_contract(code, owner.clone(), &Binary::default(), &[], "mock", None)
            .unwrap();
        s.exec(
            "owner",
            &ExecuteMsg::UpdateConfig {
                clearinghouse: Some(ch.to_string()),
                // The stand-in also plays the liquidator that draws covers.
                liquidator: Some(ch.to_string()),
                cooldown_secs: None,
                withdraw_window_secs: None,
                junior_tilt: None,
            },
            &[],
        )
        .unwrap();
        s.deposit("alice", Tranche::Junior, 1_000).unwrap();
        s.deposit("bob", Tranche::Senior, 1_000).unwrap();
        let set = ExecuteMsg::SetBackstop {
            auction: None,
            sub_id: 0,
            agent: None,
        };
        s.exec("owner", &set, &[]).unwrap();
        let fund = ExecuteMsg::FundBackstop {
            amount: Uint128::new(600),
        };
        s.exec("owner", &fund, &[]).unwrap();
        Books { s, ch }
    }

    fn hook(&mut self, hook: Hook) -> cw_multi_test::error::AnyResult<cw_multi_test::AppResponse> {
        let owner = self.s.owner.clone();
        self.s
            .app
            .execute_contract(owner, self.ch.clone(), &MockMsg::Hook(hook), &[])
    }

    /// A `CoverShortfall` from the stand-in clearinghouse; the cover as recorded.
    fn cover(&mut self, amount: u128) -> CoverRecord {
        let pool = self.s.pool.to_string();
        self.hook(Hook::Cover {
            pool,
            amount: Uint128::new(amount),
        })
        .unwrap();
        let covers: Vec<CoverRecord> = self.s.query(&QueryMsg::Covers {
            start_after: None,
            limit: Some(30),
        });
        covers.last().cloned().expect("a cover")
    }

    /// (liquid, value) of both tranches, junior first, and the junior debt.
    fn books(&self) -> ((u128, u128), (u128, u128), u128) {
        let t: Vec<TrancheResponse> = self.s.query(&QueryMsg::Tranches {});
        let b: BackstopResponse = self.s.query(&QueryMsg::Backstop {});
        (
            (t[0].liquid.u128(), t[0].assets.u128()),
            (t[1].liquid.u128(), t[1].assets.u128()),
            b.junior_debt.u128(),
        )
    }
}

#[test]
fn funding_turns_junior_coin_into_backstop_equity_at_the_same_value() {
    let b = Books::new();
    assert_eq!(b.books(), ((400, 1_000), (1_000, 1_000), 0));
    let backstop: BackstopResponse = b.s.query(&QueryMsg::Backstop {});
    assert_eq!(backstop.equity.u128(), 600);
    b.s.assert_conserved();
}

#[test]
fn the_senior_tranche_lends_what_the_junior_tranche_cannot_pay_in_coin() {
    let mut b = Books::new();
    // 700: junior pays its 400 of coin, senior the other 300 — lent to junior, which still
    // owns 600 of equity. Junior 0 + 600 − 300 = 300; senior 700 + 300 = 1,000: whole.
    let c = b.cover(700);
    assert_eq!((c.junior_paid.u128(), c.senior_paid.u128()), (400, 300));
    assert_eq!(c.lent.u128(), 300);
    assert_eq!(b.books(), ((0, 300), (700, 1_000), 300));
    b.s.assert_conserved();

    // Junior revenue repays the debt first: weights 300 × 1.5 : 1,000 → junior 31 of 100.
    b.s.distribute("carol", 100).unwrap();
    assert_eq!(b.books(), ((0, 331), (800, 1_069), 269));
    b.s.assert_conserved();

    // The account's equity falls to 200: junior owns at most that, the other 69 of debt is
    // written off — the senior tranche's loss, and the junior value floors at zero.
    b.hook(Hook::SetEquity { equity: Some(200) }).unwrap();
    assert_eq!(b.books(), ((0, 0), (800, 1_000), 200));
    b.s.assert_conserved();

    // A new junior depositor buys at that value of zero and its coin repays the debt: it
    // owns what it paid for, and nothing of the old debt beyond what the equity backs.
    b.s.deposit("carol", Tranche::Junior, 150).unwrap();
    assert_eq!(b.books(), ((0, 150), (950, 1_000), 50));
    b.s.assert_conserved();

    // Junior withdrawals are paid in coin: none is left, so a request waits for a defund.
    // (Alice's 1,000 shares are worth nothing now; Carol's 150,150 are worth the 150.)
    let shares = b.s.shares("carol", Tranche::Junior).u128();
    assert_eq!(shares, 150 * 1_001);
    let id = b.s.request("carol", Tranche::Junior, shares).unwrap();
    b.s.advance(ballast_testing::pool::COOLDOWN);
    assert!(matches!(
        contract_err(b.s.withdraw("carol", id)),
        ContractError::Illiquid {
            tranche: Tranche::Junior,
            ..
        }
    ));
    // Defunding 200 repays the last 50 and leaves the junior tranche 150 of coin.
    let defund = ExecuteMsg::DefundBackstop {
        amount: Uint128::new(200),
    };
    b.s.exec("owner", &defund, &[]).unwrap();
    assert_eq!(b.books(), ((150, 150), (1_000, 1_000), 0));
    let r = b.s.withdraw("carol", id).unwrap();
    let paid = r
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .find(|a| a.key == "paid");
    // 150,150 × (150 + 1) / (151,150 + 1) = 150 exactly: Alice's worthless shares take
    // nothing of what Carol paid in (priced at assets / supply they took 1).
    assert_eq!(paid.unwrap().value, "150");
    b.s.assert_conserved();
}

#[test]
fn a_cover_goes_on_when_the_backstop_cannot_be_valued() {
    let mut b = Books::new();
    b.hook(Hook::SetEquity { equity: None }).unwrap();
    // No equity to lend against: the senior tranche pays without a claim.
    let c = b.cover(700);
    assert_eq!((c.junior_paid.u128(), c.senior_paid.u128()), (400, 300));
    assert_eq!(c.lent.u128(), 0);
    // Deposits, withdrawals and revenue wait for a price: they would be priced blind.
    assert!(matches!(
        contract_err(b.s.deposit("carol", Tranche::Junior, 10)),
        ContractError::BackstopValuation(_)
    ));
    b.hook(Hook::SetEquity { equity: Some(600) }).unwrap();
    assert_eq!(b.books(), ((0, 600), (700, 700), 0));
    b.s.assert_conserved();
}

#[test]
fn defunding_beyond_the_accounts_margin_fails_whole() {
    let mut b = Books::new();
    let before = b.books();
    let defund = ExecuteMsg::DefundBackstop {
        amount: Uint128::new(601),
    };
    let err = b.s.exec("owner", &defund, &[]).unwrap_err();
    assert!(
        format!("{err:?}").contains("below initial margin"),
        "{err:?}"
    );
    assert_eq!(b.books(), before);
    assert_eq!(
        contract_err(b.s.exec(
            "owner",
            &ExecuteMsg::DefundBackstop {
                amount: Uint128::zero()
            },
            &[]
        )),
        ContractError::ZeroAmount {}
    );
    b.s.assert_conserved();
}
