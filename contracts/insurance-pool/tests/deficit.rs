//! Known deficits of open lots, as a stand-in liquidator reports them (its
//! `KnownDeficits`; the liquidator's own tests check how it counts them): withdrawals are
//! valued net of them, junior first; a liquidator that cannot be asked counts nothing and
//! locks nothing.

use ballast_types::insurance::{ExecuteMsg, KnownDeficitResponse, QueryMsg, Tranche};
use ballast_types::liquidator::KnownDeficits;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult, Uint128,
    WasmMsg,
};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};
use cw_storage_plus::Item;
use serde::{Deserialize, Serialize};

use ballast_testing::pool::{Suite, COOLDOWN};

const DEFICITS: Item<KnownDeficits> = Item::new("deficits");

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Hook {
    /// Replace what `KnownDeficits` answers.
    Set { deficits: KnownDeficits },
    /// Ask the pool to cover `amount`, as the liquidator does when a lot closes short.
    Cover { pool: String, amount: Uint128 },
}

/// The liquidator's query the pool sends.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum MockQuery {
    KnownDeficits {},
}

fn mock_execute(deps: DepsMut, _: Env, _: MessageInfo, hook: Hook) -> StdResult<Response> {
    match hook {
        Hook::Set { deficits } => {
            DEFICITS.save(deps.storage, &deficits)?;
            Ok(Response::new())
        }
        Hook::Cover { pool, amount } => Ok(Response::new().add_message(WasmMsg::Execute {
            contract_addr: pool,
            msg: to_json_binary(&ExecuteMsg::CoverShortfall { amount })?,
            funds: vec![],
        })),
    }
}

fn mock_instantiate(deps: DepsMut, _: Env, _: MessageInfo, _: Binary) -> StdResult<Response> {
    DEFICITS.save(
        deps.storage,
        &KnownDeficits {
            complete: true,
            ..KnownDeficits::default()
        },
    )?;
    Ok(Response::new())
}

fn mock_query(deps: Deps, _: Env, msg: MockQuery) -> StdResult<Binary> {
    match msg {
        MockQuery::KnownDeficits {} => to_json_binary(&DEFICITS.load(deps.storage)?),
    }
}

/// A suite whose liquidator is the stand-in.
pub struct Standin {
    pub s: Suite,
    pub liquidator: Addr,
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
        let liquidator = s
            .app
            .instantiate_contract(code, owner, &Binary::default(), &[], "standin", None)
            .unwrap();
        let msg = ExecuteMsg::UpdateConfig {
            clearinghouse: None,
            liquidator: Some(liquidator.to_string()),
            cooldown_secs: None,
            withdraw_window_secs: None,
            junior_tilt: None,
        };
        s.exec("owner", &msg, &[]).unwrap();
        Standin { s, liquidator }
    }

    fn hook(&mut self, hook: Hook) -> AppResponse {
        let owner = self.s.owner.clone();
        self.s
            .app
            .execute_contract(owner, self.liquidator.clone(), &hook, &[])
            .unwrap()
    }

    /// The liquidator counts `total` over `lots` lots, `unpriced` of them at their debt.
    pub fn set(&mut self, total: u128, lots: u32, unpriced: u32, complete: bool) {
        let deficits = KnownDeficits {
            total: Uint128::new(total),
            lots,
            unpriced,
            complete,
        };
        self.hook(Hook::Set { deficits });
    }

    /// A lot closes and the pool covers `amount`.
    pub fn close_with_cover(&mut self, amount: u128) {
        let pool = self.s.pool.to_string();
        self.hook(Hook::Cover {
            pool,
            amount: Uint128::new(amount),
        });
    }

    pub fn known(&self) -> KnownDeficitResponse {
        self.s.query(&QueryMsg::KnownDeficit {})
    }
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

/// The liquidator's sum splits junior first (past the junior value it is the senior
/// tranche's), its counts pass through, and a withdrawal is valued net of its tranche's part.
#[test]
fn deficits_split_junior_first_and_withdrawals_are_valued_net_of_them() {
    let mut d = Standin::new();
    d.s.deposit("alice", Tranche::Junior, 1_000).unwrap();
    d.s.deposit("bob", Tranche::Senior, 4_000).unwrap();
    assert_eq!(d.known(), known(0, 0, 0, 0, 0, true), "no lot open");
    d.set(1_500, 3, 1, true);
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
    // A sum beyond both tranches is capped at their values.
    d.set(u128::MAX, 30, 0, false);
    assert_eq!(d.known(), known(u128::MAX, 1_000, 500, 30, 0, false));
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

/// When the liquidator cannot be asked at all (here an address without a contract),
/// nothing is known and withdrawals go on at the ledger's value — never a lock.
#[test]
fn no_lock_when_the_liquidator_cannot_be_asked() {
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
