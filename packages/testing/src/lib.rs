//! The shared test environment: deploys Ballast's contracts on an in-process chain
//! (cw-multi-test) with an owner, feeders and listed assets, and offers one-line helpers for
//! what tests do most. Every integration test starts from [`Suite::new`].

use std::str::FromStr;

use ballast_types::oracle::{
    AssetConfig, ExecuteMsg as OracleExecute, InstantiateMsg as OracleInstantiate, PriceResponse,
    QueryMsg as OracleQuery, Submission, VolatilityResponse,
};
use cosmwasm_std::{coin, Addr, Decimal, StdResult};
use cw_multi_test::{App, AppBuilder, AppResponse, ContractWrapper, Executor};

mod clearinghouse;
mod liquidation;
pub mod pool;
mod signing;
pub use clearinghouse::{
    collateral_config, funding_config, perp_config, risk_config, underlying_config, Deployment,
    SETTLEMENT, TRADERS,
};
use k256::ecdsa::SigningKey;
pub use liquidation::{curve_config, liquidation_config, Waterfall};
pub use signing::{sign as sign_with, trader_address, trader_key};

pub use cw_multi_test::error::AnyResult;

/// The value of attribute `key` in the first event of `r` that has it.
pub fn attribute(r: &AppResponse, key: &str) -> Option<String> {
    r.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

/// Whether any event of `r` (the whole call tree) has `action` = `action`.
pub fn has_action(r: &AppResponse, action: &str) -> bool {
    r.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .any(|a| a.key == "action" && a.value == action)
}

/// Moves `app` on by `secs` seconds and one block.
pub fn advance(app: &mut App, secs: u64) {
    app.update_block(|b| {
        b.time = b.time.plus_seconds(secs);
        b.height += 1;
    });
}

/// Block time of a fresh suite (2023-11-14T22:13:20Z).
pub const GENESIS: u64 = 1_700_000_000;
/// Feeders every suite starts with.
pub const FEEDERS: usize = 3;

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

/// Default asset configuration: all feeders, quorum 2, 60 s staleness, 10 % jump bound
/// confirmed by 3 agreeing feeders, EWMA 0.96/0.99 per hour.
pub fn asset_config(feeders: &[Addr]) -> AssetConfig {
    AssetConfig {
        feeders: feeders.iter().map(|f| f.to_string()).collect(),
        quorum: 2,
        staleness_secs: 60,
        max_jump: dec("0.1"),
        confirmations: 3,
        lambda_fast: dec("0.96"),
        lambda_slow: dec("0.99"),
        period_secs: 3600,
        initial_vol: None,
    }
}

pub struct Suite {
    pub app: App,
    pub owner: Addr,
    pub feeders: Vec<Addr>,
    pub oracle: Addr,
    pub oracle_code: u64,
    /// Funded traders (see [`TRADERS`]), with addresses derived from their keys.
    pub traders: Vec<Addr>,
    /// The traders' secp256k1 keys (deterministic test keys: sha256 of the name).
    pub keys: Vec<SigningKey>,
    /// The clearinghouse deployment, after [`Suite::full`].
    pub ch: Option<Deployment>,
    /// The auction and the insurance pool, after [`Suite::with_liquidation`].
    pub waterfall: Option<Waterfall>,
}

/// Native balance of every trader at genesis, per denom (base units).
pub const GENESIS_BALANCE: u128 = 1_000_000_000_000;

impl Default for Suite {
    fn default() -> Self {
        Self::new()
    }
}

impl Suite {
    /// An oracle owned by `owner` with three feeders and no asset listed.
    pub fn new() -> Suite {
        let keys: Vec<SigningKey> = TRADERS.iter().map(|t| trader_key(t)).collect();
        let traders: Vec<Addr> = keys.iter().map(trader_address).collect();
        let funded = traders.clone();
        let mut app = AppBuilder::new().build(|router, _api, storage| {
            for addr in funded {
                let funds = vec![
                    coin(GENESIS_BALANCE, SETTLEMENT),
                    coin(GENESIS_BALANCE, "uatom"),
                    // Held by traders but never listed: for unlisted-denom tests.
                    coin(GENESIS_BALANCE, "uosmo"),
                ];
                router
                    .bank
                    .init_balance(storage, &addr, funds)
                    .expect("genesis balance");
            }
        });
        app.update_block(|b| b.time = cosmwasm_std::Timestamp::from_seconds(GENESIS));
        let owner = app.api().addr_make("owner");
        let feeders = (0..FEEDERS)
            .map(|i| app.api().addr_make(&format!("feeder{i}")))
            .collect();
        let oracle_code = app.store_code(Box::new(
            ContractWrapper::new(
                ballast_oracle::contract::execute,
                ballast_oracle::contract::instantiate,
                ballast_oracle::contract::query,
            )
            .with_migrate(ballast_oracle::contract::migrate),
        ));
        let oracle = app
            .instantiate_contract(
                oracle_code,
                owner.clone(),
                &OracleInstantiate {
                    owner: owner.to_string(),
                },
                &[],
                "ballast-oracle",
                Some(owner.to_string()),
            )
            .expect("instantiate oracle");
        Suite {
            app,
            owner,
            feeders,
            oracle,
            oracle_code,
            traders,
            keys,
            ch: None,
            waterfall: None,
        }
    }

    /// The same suite with `assets` listed under the default configuration.
    pub fn with_assets(assets: &[&str]) -> Suite {
        let mut s = Suite::new();
        for a in assets {
            let config = asset_config(&s.feeders);
            s.set_asset(a, config).expect("list asset");
        }
        s
    }

    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }

    /// Moves the chain on by `secs` seconds and one block.
    pub fn advance(&mut self, secs: u64) {
        advance(&mut self.app, secs);
    }

    pub fn set_asset(&mut self, asset: &str, config: AssetConfig) -> AnyResult<AppResponse> {
        let msg = OracleExecute::SetAsset {
            asset: asset.to_string(),
            config,
        };
        self.app
            .execute_contract(self.owner.clone(), self.oracle.clone(), &msg, &[])
    }

    /// Feeder `i` pushes `price` for `asset`, published now.
    pub fn push(&mut self, i: usize, asset: &str, price: &str) -> AnyResult<AppResponse> {
        let t = self.now();
        self.push_at(i, asset, price, t)
    }

    pub fn push_at(
        &mut self,
        i: usize,
        asset: &str,
        price: &str,
        publish_time: u64,
    ) -> AnyResult<AppResponse> {
        let msg = OracleExecute::Push {
            submissions: vec![Submission {
                asset: asset.to_string(),
                price: dec(price),
                publish_time,
            }],
        };
        self.app
            .execute_contract(self.feeders[i].clone(), self.oracle.clone(), &msg, &[])
    }

    /// Every feeder pushes `price` for `asset`.
    pub fn push_all(&mut self, asset: &str, price: &str) {
        for i in 0..self.feeders.len() {
            self.push(i, asset, price).expect("feeder push");
        }
    }

    pub fn oracle_exec(&mut self, sender: &Addr, msg: &OracleExecute) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.oracle.clone(), msg, &[])
    }

    pub fn price(&self, asset: &str) -> StdResult<PriceResponse> {
        self.app.wrap().query_wasm_smart(
            &self.oracle,
            &OracleQuery::Price {
                asset: asset.to_string(),
            },
        )
    }

    pub fn volatility(&self, asset: &str) -> StdResult<VolatilityResponse> {
        self.app.wrap().query_wasm_smart(
            &self.oracle,
            &OracleQuery::Volatility {
                asset: asset.to_string(),
            },
        )
    }

    pub fn oracle_query<T: serde::de::DeserializeOwned>(&self, msg: &OracleQuery) -> StdResult<T> {
        self.app.wrap().query_wasm_smart(&self.oracle, msg)
    }
}
