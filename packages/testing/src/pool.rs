//! The insurance pool on its own: cw20-base, the pool with its two share tokens, funded
//! users named by string, and one-line helpers. The pool's tests start here (it needs no
//! other contract; stand-ins play the clearinghouse and the liquidator where a test needs
//! them); the whole deployment is [`crate::Suite::with_liquidation`].

use ballast_insurance_pool::error::ContractError;
use ballast_types::insurance::{
    CoverRecord, CoverResponse, ExecuteMsg, InstantiateMsg, QueryMsg, ReceiveMsg, TotalsResponse,
    Tranche, TrancheResponse, WithdrawalResponse,
};
use cosmwasm_std::{
    coin, coins, from_json, to_json_binary, Addr, Coin, Decimal, Timestamp, Uint128,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{App, AppBuilder, AppResponse, ContractWrapper, Executor};

/// Settlement denom of the suite.
pub const USDC: &str = "uusdc";
pub use crate::{dec, GENESIS};
/// Cool-down of the suite's pool.
pub const COOLDOWN: u64 = 7 * 86_400;
/// Seconds after the cool-down a request can be paid out.
pub const WINDOW: u64 = 7 * 86_400;
/// Native balance of every user at genesis, per denom.
pub const FUNDS: u128 = 1_000_000_000_000_000;
/// Users funded at genesis with USDC and ATOM.
pub const USERS: [&str; 6] = [
    "alice",
    "bob",
    "carol",
    "mallory",
    "clearinghouse",
    "liquidator",
];

/// Stores cw20-base (the share tokens) and the pool: their code ids.
pub fn store_codes(app: &mut App) -> (u64, u64) {
    let token = app.store_code(Box::new(ContractWrapper::new(
        cw20_base::contract::execute,
        cw20_base::contract::instantiate,
        cw20_base::contract::query,
    )));
    let pool = app.store_code(Box::new(
        ContractWrapper::new(
            ballast_insurance_pool::contract::execute,
            ballast_insurance_pool::contract::instantiate,
            ballast_insurance_pool::contract::query,
        )
        .with_reply(ballast_insurance_pool::contract::reply)
        .with_migrate(ballast_insurance_pool::contract::migrate),
    ));
    (token, pool)
}

/// The contract error inside a failed execution.
pub fn contract_err<T: std::fmt::Debug>(r: AnyResult<T>) -> ContractError {
    let e = r.expect_err("the call should fail");
    e.downcast::<ContractError>()
        .unwrap_or_else(|e| panic!("not a ContractError: {e:?}"))
}

pub struct Suite {
    pub app: App,
    pub owner: Addr,
    pub clearinghouse: Addr,
    /// The user that draws covers.
    pub liquidator: Addr,
    pub pool: Addr,
    pub pool_code: u64,
    pub token_code: u64,
    /// Settlement units sent to the pool by bank transfer, outside its ledger.
    pub donated: Uint128,
}

/// What a failed call must leave unchanged.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub tranches: Vec<TrancheResponse>,
    pub totals: TotalsResponse,
    pub pool_bank: Vec<Coin>,
    /// Per user: USDC balance, junior and senior share balances.
    pub users: Vec<(Uint128, Uint128, Uint128)>,
    pub pending: Vec<WithdrawalResponse>,
}

impl Default for Suite {
    fn default() -> Self {
        Suite::new()
    }
}

impl Suite {
    /// A pool with tilt 0.5 and a 7-day cool-down whose clearinghouse is the user
    /// "clearinghouse" and whose liquidator (who draws covers) the user "liquidator".
    pub fn new() -> Suite {
        Suite::with(dec("0.5"), true)
    }

    pub fn with(junior_tilt: Decimal, configured: bool) -> Suite {
        let mut app = AppBuilder::new().build(|router, api, storage| {
            for u in USERS {
                let funds = vec![coin(FUNDS, USDC), coin(FUNDS, "uatom")];
                router
                    .bank
                    .init_balance(storage, &api.addr_make(u), funds)
                    .expect("genesis balance");
            }
        });
        app.update_block(|b| b.time = Timestamp::from_seconds(GENESIS));
        let owner = app.api().addr_make("owner");
        let clearinghouse = app.api().addr_make("clearinghouse");
        let liquidator = app.api().addr_make("liquidator");
        let (token_code, pool_code) = store_codes(&mut app);
        let msg = InstantiateMsg {
            owner: owner.to_string(),
            settlement_denom: USDC.into(),
            clearinghouse: configured.then(|| clearinghouse.to_string()),
            liquidator: configured.then(|| liquidator.to_string()),
            share_code_id: token_code,
            cooldown_secs: COOLDOWN,
            withdraw_window_secs: WINDOW,
            junior_tilt,
        };
        let pool = app
            .instantiate_contract(
                pool_code,
                owner.clone(),
                &msg,
                &[],
                "ballast-insurance-pool",
                Some(owner.to_string()),
            )
            .expect("instantiate pool");
        Suite {
            app,
            owner,
            clearinghouse,
            liquidator,
            pool,
            pool_code,
            token_code,
            donated: Uint128::zero(),
        }
    }

    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }

    pub fn advance(&mut self, secs: u64) {
        crate::advance(&mut self.app, secs);
    }

    pub fn exec(
        &mut self,
        sender: &str,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(sender);
        self.app
            .execute_contract(sender, self.pool.clone(), msg, funds)
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.pool, msg)
            .expect("pool query")
    }

    pub fn deposit(
        &mut self,
        user: &str,
        tranche: Tranche,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.exec(user, &ExecuteMsg::Deposit { tranche }, &coins(amount, USDC))
    }

    pub fn distribute(&mut self, user: &str, amount: u128) -> AnyResult<AppResponse> {
        self.exec(
            user,
            &ExecuteMsg::DistributeRevenue {},
            &coins(amount, USDC),
        )
    }

    /// `CoverShortfall` sent by `sender`; the parsed response data on success.
    pub fn cover(&mut self, sender: &str, amount: u128) -> AnyResult<CoverResponse> {
        let msg = ExecuteMsg::CoverShortfall {
            amount: amount.into(),
        };
        let r = self.exec(sender, &msg, &[])?;
        Ok(from_json(r.data.expect("cover data")).expect("CoverResponse JSON"))
    }

    /// Sends `shares` of `tranche` to the pool with `RequestWithdraw`; the request id.
    pub fn request(&mut self, user: &str, tranche: Tranche, shares: u128) -> AnyResult<u64> {
        let token = self.token(tranche);
        let msg = cw20::Cw20ExecuteMsg::Send {
            contract: self.pool.to_string(),
            amount: shares.into(),
            msg: to_json_binary(&ReceiveMsg::RequestWithdraw {}).expect("json"),
        };
        let r = self
            .app
            .execute_contract(self.addr(user), token, &msg, &[])?;
        let id = r
            .events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == "id")
            .expect("request id attribute");
        Ok(id.value.parse().expect("numeric id"))
    }

    pub fn withdraw(&mut self, user: &str, id: u64) -> AnyResult<AppResponse> {
        self.exec(user, &ExecuteMsg::Withdraw { id }, &[])
    }

    /// Bank transfer straight to the pool, outside its ledger.
    pub fn donate(&mut self, user: &str, amount: u128) {
        let from = self.addr(user);
        self.app
            .send_tokens(from, self.pool.clone(), &coins(amount, USDC))
            .expect("donation");
        self.donated += Uint128::new(amount);
    }

    pub fn tranche(&self, tranche: Tranche) -> TrancheResponse {
        self.query(&QueryMsg::Tranche { tranche })
    }

    pub fn token(&self, tranche: Tranche) -> Addr {
        Addr::unchecked(self.tranche(tranche).token)
    }

    pub fn shares(&self, user: &str, tranche: Tranche) -> Uint128 {
        self.cw20_balance(&self.token(tranche), &self.addr(user))
    }

    pub fn cw20_balance(&self, token: &Addr, who: &Addr) -> Uint128 {
        let r: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                token,
                &cw20::Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .expect("cw20 balance");
        r.balance
    }

    pub fn usdc(&self, who: &Addr) -> Uint128 {
        self.app
            .wrap()
            .query_balance(who, USDC)
            .expect("bank balance")
            .amount
    }

    pub fn user_usdc(&self, user: &str) -> Uint128 {
        self.usdc(&self.addr(user))
    }

    pub fn totals(&self) -> TotalsResponse {
        self.query(&QueryMsg::Totals {})
    }

    pub fn covers(&self, start_after: Option<u64>, limit: Option<u32>) -> Vec<CoverRecord> {
        self.query(&QueryMsg::Covers { start_after, limit })
    }

    pub fn pending(
        &self,
        owner: Option<&str>,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Vec<WithdrawalResponse> {
        let owner = owner.map(|o| self.addr(o).to_string());
        self.query(&QueryMsg::PendingWithdrawals {
            owner,
            start_after,
            limit,
        })
    }

    pub fn snapshot(&self) -> Snapshot {
        let tranches: Vec<TrancheResponse> = self.query(&QueryMsg::Tranches {});
        let users = USERS
            .iter()
            .map(|u| {
                (
                    self.user_usdc(u),
                    self.shares(u, Tranche::Junior),
                    self.shares(u, Tranche::Senior),
                )
            })
            .collect();
        Snapshot {
            tranches,
            totals: self.totals(),
            pool_bank: vec![
                self.app
                    .wrap()
                    .query_balance(&self.pool, USDC)
                    .expect("bank"),
                self.app
                    .wrap()
                    .query_balance(&self.pool, "uatom")
                    .expect("bank"),
            ],
            users,
            pending: self.pending(None, None, Some(30)),
        }
    }

    /// Invariant I1 for the pool: its bank balance is exactly what its ledger says it holds
    /// (junior + senior assets) plus what was donated to it outside the ledger; every share
    /// token's supply is held by users and the pool (locked shares), the pool holding exactly
    /// the locked ones; and I7: the shares a holder owns are worth at most the tranche's
    /// assets (their sum at the rounded-down price never exceeds them).
    pub fn assert_conserved(&self) {
        let tranches: Vec<TrancheResponse> = self.query(&QueryMsg::Tranches {});
        let liquid: Uint128 = tranches.iter().map(|t| t.liquid).sum();
        assert_eq!(
            self.usdc(&self.pool),
            liquid + self.donated,
            "pool bank balance = junior + senior liquid assets + donations"
        );
        // Value is liquid assets plus the backstop account's equity; the junior tranche's
        // debt to the senior one moves value between them, never creates it.
        let backstop: ballast_types::insurance::BackstopResponse =
            self.query(&QueryMsg::Backstop {});
        let value: Uint128 = tranches.iter().map(|t| t.assets).sum();
        assert_eq!(value, liquid + backstop.equity, "NAV = liquid + equity");
        for t in &tranches {
            let token = Addr::unchecked(&t.token);
            let held: Uint128 = USERS
                .iter()
                .map(|u| self.cw20_balance(&token, &self.addr(u)))
                .sum();
            let locked = self.cw20_balance(&token, &self.pool);
            assert_eq!(
                locked, t.locked,
                "{:?}: pool holds the locked shares",
                t.tranche
            );
            assert_eq!(held + locked, t.supply, "{:?}: supply accounted", t.tranche);
            assert!(
                t.supply.mul_floor(t.share_price) <= t.assets,
                "{:?}: shares × price ≤ NAV",
                t.tranche
            );
        }
    }
}
