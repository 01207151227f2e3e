//! Known deficits of open lots, read through a stand-in that plays the clearinghouse (its
//! settings, `Lot`, `Margin`) and its auction (`Lots`): withdrawals are valued net of them;
//! a lot that cannot be valued counts at its debt; a clearinghouse that cannot be asked
//! counts nothing; one page of lots at most.

use ballast_risk::model::{MarginMode, MarginReport};
use ballast_types::auction::LotStatus;
use ballast_types::clearinghouse::AccountRef;
use ballast_types::insurance::{ExecuteMsg, KnownDeficitResponse, QueryMsg, Tranche};
use ballast_types::liquidation::LiquidationConfig;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Decimal, Deps, DepsMut, Env, MessageInfo, Response,
    SignedDecimal, StdError, StdResult, Uint128, WasmMsg,
};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};
use cw_storage_plus::Item;
use serde::{Deserialize, Serialize};

use crate::common::{Suite, COOLDOWN};

/// One open lot of the stand-in: its id, the debt it started with and its account's equity
/// (`None`: the margin query fails, as with a stale price).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MockLot {
    pub id: u64,
    pub debt: u128,
    pub equity: Option<i128>,
}

const LOTS: Item<Vec<MockLot>> = Item::new("lots");

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Hook {
    /// Replace the open lots.
    SetLots { lots: Vec<MockLot> },
    /// Close the lot and ask the pool to cover `amount`, as the clearinghouse does.
    Cover {
        lot: u64,
        pool: String,
        amount: Uint128,
    },
}

/// The queries the pool sends (the clearinghouse's and the auction's, by their JSON).
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum MockQuery {
    Config {},
    Lots {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    Lot {
        id: u64,
    },
    Margin {
        owner: String,
        #[allow(dead_code)]
        sub_id: u32,
    },
}

fn mock_execute(deps: DepsMut, _: Env, _: MessageInfo, hook: Hook) -> StdResult<Response> {
    match hook {
        Hook::SetLots { lots } => {
            LOTS.save(deps.storage, &lots)?;
            Ok(Response::new())
        }
        Hook::Cover { lot, pool, amount } => {
            let mut lots = LOTS.load(deps.storage)?;
            lots.retain(|l| l.id != lot);
            LOTS.save(deps.storage, &lots)?;
            Ok(Response::new().add_message(WasmMsg::Execute {
                contract_addr: pool,
                msg: to_json_binary(&ExecuteMsg::CoverShortfall { amount })?,
                funds: vec![],
            }))
        }
    }
}

fn mock_instantiate(deps: DepsMut, _: Env, _: MessageInfo, _: Binary) -> StdResult<Response> {
    LOTS.save(deps.storage, &vec![])?;
    Ok(Response::new())
}

/// The clearinghouse's settings, of which the pool reads `liquidation.auction`.
#[derive(Serialize)]
struct Settings {
    oracle: String,
    liquidation: LiquidationConfig,
}

/// The clearinghouse's `LotResponse`, of which the pool reads `account` (and, as backstop,
/// `collateral`).
#[derive(Serialize)]
struct LotAnswer {
    id: u64,
    account: AccountRef,
    collateral: Vec<ballast_types::liquidation::LotCollateral>,
    debt: Uint128,
    open: bool,
}

fn report(equity: i128) -> MarginReport {
    let zero = SignedDecimal::zero();
    MarginReport {
        mode: MarginMode::Cross,
        equity: SignedDecimal::from_atomics(equity, 0).expect("equity"),
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
    }
}

fn mock_query(deps: Deps, env: Env, msg: MockQuery) -> StdResult<Binary> {
    let lots = LOTS.load(deps.storage)?;
    match msg {
        MockQuery::Config {} => to_json_binary(&Settings {
            oracle: "oracle".into(),
            liquidation: LiquidationConfig {
                auction: env.contract.address.to_string(),
                insurance: "pool".into(),
                penalty: Decimal::percent(2),
                keeper_tip: Uint128::new(1),
                redo_tip: Uint128::new(1),
                sizing_discount: Decimal::percent(10),
                insurance_share: Decimal::percent(50),
            },
        }),
        MockQuery::Lots { start_after, limit } => {
            let limit = limit.unwrap_or(10).min(30) as usize;
            let page: Vec<LotStatus> = lots
                .iter()
                .filter(|l| start_after.is_none_or(|s| l.id > s))
                .take(limit)
                .map(|l| LotStatus {
                    lot: l.id,
                    started: 0,
                    start_value: SignedDecimal::zero(),
                    start_gross: SignedDecimal::zero(),
                    debt: Uint128::new(l.debt),
                    remaining: Decimal::one(),
                    factor: Decimal::one(),
                    price: None,
                    needs_redo: false,
                    redos: 0,
                    active: true,
                })
                .collect();
            to_json_binary(&page)
        }
        MockQuery::Lot { id } => to_json_binary(&LotAnswer {
            id,
            account: AccountRef {
                owner: format!("trader{id}"),
                sub_id: 0,
            },
            collateral: vec![],
            debt: Uint128::zero(),
            open: true,
        }),
        MockQuery::Margin { owner, .. } => {
            let lot = lots
                .iter()
                .find(|l| format!("trader{}", l.id) == owner)
                .ok_or_else(|| StdError::generic_err("no such account"))?;
            let equity = lot
                .equity
                .ok_or_else(|| StdError::generic_err("oracle: stale price"))?;
            to_json_binary(&report(equity))
        }
    }
}

/// A suite whose clearinghouse is the stand-in.
pub struct Standin {
    pub s: Suite,
    pub ch: Addr,
}

impl Standin {
    pub fn new() -> Standin {
        let mut s = Suite::new();
        let code = s.app.store_code(Box::new(ContractWrapper::new(
            mock_execute,
            mock_instantiate,
            mock_query,
        )));
        let owner = s.owner.clone();
        let ch = s
            .app
            .instantiate_contract(code, owner, &Binary::default(), &[], "standin", None)
            .unwrap();
        let msg = ExecuteMsg::UpdateConfig {
            clearinghouse: Some(ch.to_string()),
            cooldown_secs: None,
            withdraw_window_secs: None,
            junior_tilt: None,
        };
        s.exec("owner", &msg, &[]).unwrap();
        Standin { s, ch }
    }

    fn hook(&mut self, hook: Hook) -> AppResponse {
        let owner = self.s.owner.clone();
        self.s
            .app
            .execute_contract(owner, self.ch.clone(), &hook, &[])
            .unwrap()
    }

    pub fn set_lots(&mut self, lots: Vec<MockLot>) {
        self.hook(Hook::SetLots { lots });
    }

    /// The lot closes and the pool covers `amount`.
    pub fn close_with_cover(&mut self, lot: u64, amount: u128) {
        let pool = self.s.pool.to_string();
        self.hook(Hook::Cover {
            lot,
            pool,
            amount: Uint128::new(amount),
        });
    }

    pub fn known(&self) -> KnownDeficitResponse {
        self.s.query(&QueryMsg::KnownDeficit {})
    }
}

pub fn lot(id: u64, debt: u128, equity: Option<i128>) -> MockLot {
    MockLot { id, debt, equity }
}

pub fn known(
    total: u128,
    junior: u128,
    senior: u128,
    lots: u32,
    unpriced: u32,
    complete: bool,
) -> KnownDeficitResponse {
    KnownDeficitResponse {
        total: total.into(),
        junior: junior.into(),
        senior: senior.into(),
        lots,
        unpriced,
        complete,
    }
}

/// Only accounts below zero count, rounded up to a whole unit; past the junior value the
/// deficit is the senior tranche's; a lot that cannot be valued counts at its debt.
#[test]
fn deficits_count_accounts_below_zero_junior_first_and_unpriced_lots_at_their_debt() {
    let mut d = Standin::new();
    d.s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    d.s.deposit("bob", Tranche::Senior, 4_000).unwrap();
    assert_eq!(d.known(), known(0, 0, 0, 0, 0, true), "no lot open");
    d.set_lots(vec![
        lot(1, 500, Some(300)), // sold at the mark it would repay its debt: nothing
        lot(2, 900, Some(-700)),
        lot(3, 800, None), // stale price: counted at its debt
    ]);
    assert_eq!(d.known(), known(1_500, 1_000, 500, 3, 1, true));
    // Bob's senior shares are worth (4,000 − 500 + 1) / (4,000 + 1) each to a withdrawal:
    // 4,000 × 3,501 / 4,001 = 3,500.1… → 3,500.
    let id = d.s.request("bob", Tranche::Senior, 4_000).unwrap();
    let w: ballast_types::insurance::WithdrawalResponse = d.s.query(&QueryMsg::Withdrawal { id });
    assert_eq!(w.value, Uint128::new(3_500));
    d.s.advance(COOLDOWN);
    let before = d.s.user_usdc("bob");
    let r = d.s.withdraw("bob", id).unwrap();
    assert_eq!(d.s.user_usdc("bob") - before, Uint128::new(3_500));
    let attr = |k: &str| attribute(&r, k);
    assert_eq!(
        (attr("known_deficit"), attr("deficit_part")),
        ("1500".to_string(), "500".to_string())
    );
    // What was held back stays with the tranche: 500 now, the senior part of the covers.
    assert_eq!(d.s.tranche(Tranche::Senior).assets, Uint128::new(500));
    d.s.assert_conserved();
}

fn attribute(r: &AppResponse, key: &str) -> String {
    r.events
        .iter()
        .flat_map(|e| &e.attributes)
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
        .unwrap_or_else(|| panic!("attribute {key}"))
}

/// Bounded: the oldest 30 open lots count, and the answer says it may be short; and when
/// the clearinghouse cannot be asked at all (here an address without a contract), nothing
/// is known and withdrawals go on at the ledger's value — never a lock.
#[test]
fn one_page_of_lots_at_most_and_no_lock_when_the_clearinghouse_cannot_be_asked() {
    let mut d = Standin::new();
    d.s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    d.set_lots((1..=31).map(|id| lot(id, 0, Some(-10))).collect());
    assert_eq!(d.known(), known(300, 300, 0, 30, 0, false));
    d.s.assert_conserved();

    let mut s = Suite::new();
    s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    let k: KnownDeficitResponse = s.query(&QueryMsg::KnownDeficit {});
    assert_eq!(k, known(0, 0, 0, 0, 0, false));
    let id = s.request("alice", Tranche::Junior, 1_000).unwrap();
    s.advance(COOLDOWN);
    let before = s.user_usdc("alice");
    s.withdraw("alice", id).unwrap();
    assert_eq!(s.user_usdc("alice") - before, Uint128::new(1_000));
    s.assert_conserved();
}
