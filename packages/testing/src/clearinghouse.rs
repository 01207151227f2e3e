//! The clearinghouse deployment of the suite: a cw20 staked-ATOM token, the clearinghouse
//! with BTC and ATOM underlyings and perps, native ATOM and cw20 stATOM collateral, and
//! prices fed by every feeder.

use ballast_risk::model::{Fractions, Instrument};
use ballast_types::clearinghouse::{
    AccountMode, AccountRef, AccountResponse, AccountSetup, AssetInfo, CollateralConfig,
    CollateralLinkConfig, ExecuteMsg, FundingConfig, InstantiateMsg, MarketConfig, MarketRef,
    MarketResponse, NamedCollateral, Page, PositionResponse, QueryMsg, ReceiveMsg, RiskConfig,
    SubAccount, TotalsResponse, UnderlyingConfig,
};
use cosmwasm_std::{coin, to_json_binary, Addr, Empty, SignedDecimal, StdResult, Uint128};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};

use crate::{AnyResult, Suite};
use ballast_types::views::QueryMsg as ViewsQuery;

/// Settlement denom (6 decimals).
pub const SETTLEMENT: &str = "uusdc";
/// Names of the funded traders.
pub const TRADERS: [&str; 3] = ["alice", "bob", "carol"];

pub struct Deployment {
    pub clearinghouse: Addr,
    /// The views contract reading the clearinghouse's lists and totals.
    pub views: Addr,
    pub statom: Addr,
    pub code: u64,
}

fn sd(s: &str) -> SignedDecimal {
    s.parse().expect("decimal literal")
}

/// The parameters of the engine's examples (dYdX/Deribit base fractions, z = 6.75, 2 h).
pub fn risk_config(reference: Option<&str>) -> RiskConfig {
    RiskConfig {
        z: sd("6.75"),
        horizon_secs: 7200,
        im_multiplier: sd("1.25"),
        extreme_multiple: sd("2"),
        extreme_weight: sd("0.35"),
        stress: sd("1.25"),
        max_vol: sd("5"),
        reference: reference.map(str::to_string),
    }
}

/// Hourly funding that pays an average premium away over 8 hours, at most 0.1 % an hour;
/// a trade of 1,000 USDC or more weighs 20 % in the premium average, a smaller one in
/// proportion to its notional.
pub fn funding_config() -> FundingConfig {
    FundingConfig {
        period_secs: 3600,
        convergence_periods: 8,
        max_rate: "0.001".parse().expect("rate"),
        trade_weight: "0.2".parse().expect("weight"),
        weight_notional: Uint128::new(1_000_000_000),
    }
}

pub fn underlying_config(oracle_asset: &str, range_floor: &str) -> UnderlyingConfig {
    UnderlyingConfig {
        oracle_asset: oracle_asset.to_string(),
        range_floor: sd(range_floor),
        resid_floor: sd("0.02"),
        vol_up: sd("0.25"),
        vol_jump: sd("0.3"),
        vol_down: sd("0.2"),
    }
}

pub fn perp_config(underlying: &str, im: &str, mm: &str) -> MarketConfig {
    MarketConfig {
        underlying: underlying.to_string(),
        instrument: Instrument::Perp,
        initial: Fractions {
            base: sd(im),
            option_a: sd("0.15"),
            option_b: sd("0.10"),
        },
        maintenance: Fractions {
            base: sd(mm),
            option_a: sd("0.075"),
            option_b: sd("0.075"),
        },
        depth: sd("50000000000000"),
        impact: sd("0.01"),
        floor: sd("0.005"),
        lot_size: "0.001".parse().expect("lot"),
        tick_size: "0.1".parse().expect("tick"),
        maker_fee: "0.0002".parse().expect("fee"),
        taker_fee: "0.0005".parse().expect("fee"),
        oi_cap: "1000000".parse().expect("cap"),
        price_band: "0.1".parse().expect("band"),
    }
}

pub fn collateral_config(asset: AssetInfo, oracle_asset: &str, weight: &str) -> CollateralConfig {
    CollateralConfig {
        asset,
        decimals: 6,
        oracle_asset: oracle_asset.to_string(),
        weight: weight.parse().expect("weight"),
        cap: Uint128::new(10_000_000_000_000),
        link: Some(CollateralLinkConfig {
            underlying: "ATOM".into(),
            beta: sd("1"),
        }),
    }
}

impl Suite {
    /// Oracle with BTC, ATOM and stATOM (priors σ 60 %, 90 %, 90 %) fed at $60,000, $10 and $12; a cw20 stATOM held by
    /// every trader; the clearinghouse with BTC (reference) and ATOM, their perps, and ATOM
    /// (native, weight 0.8) and stATOM (cw20, weight 0.85) collateral.
    pub fn full() -> Suite {
        let mut s = Suite::with_assets(&["BTC", "ATOM", "STATOM"]);
        // Listed with priors from history, as an operator would: BTC 60 %, ATOM 90 %.
        for (asset, prior) in [("BTC", "0.6"), ("ATOM", "0.9"), ("STATOM", "0.9")] {
            let mut config = crate::asset_config(&s.feeders);
            config.initial_vol = Some(prior.parse().expect("prior"));
            s.set_asset(asset, config).expect("prior");
        }
        s.feed(&[("BTC", "60000"), ("ATOM", "10"), ("STATOM", "12")]);
        let token_code = s.app.store_code(Box::new(ContractWrapper::new(
            cw20_base::contract::execute,
            cw20_base::contract::instantiate,
            cw20_base::contract::query,
        )));
        let balances = s
            .traders
            .iter()
            .map(|t| cw20::Cw20Coin {
                address: t.to_string(),
                amount: Uint128::new(crate::GENESIS_BALANCE),
            })
            .collect();
        let statom = s
            .app
            .instantiate_contract(
                token_code,
                s.owner.clone(),
                &cw20_base::msg::InstantiateMsg {
                    name: "Staked ATOM".into(),
                    symbol: "STATOM".into(),
                    decimals: 6,
                    initial_balances: balances,
                    mint: None,
                    marketing: None,
                },
                &[],
                "statom",
                None,
            )
            .expect("instantiate stATOM");
        let code = s.app.store_code(Box::new(
            ContractWrapper::new(
                ballast_clearinghouse::contract::execute,
                ballast_clearinghouse::contract::instantiate,
                ballast_clearinghouse::contract::query,
            )
            .with_migrate(ballast_clearinghouse::contract::migrate),
        ));
        let clearinghouse = s
            .app
            .instantiate_contract(
                code,
                s.owner.clone(),
                &InstantiateMsg {
                    owner: s.owner.to_string(),
                    oracle: s.oracle.to_string(),
                    settlement_denom: SETTLEMENT.into(),
                    settlement_decimals: 6,
                    risk: risk_config(None),
                    funding: funding_config(),
                },
                &[],
                "ballast-clearinghouse",
                Some(s.owner.to_string()),
            )
            .expect("instantiate clearinghouse");
        let views_code = s.app.store_code(Box::new(ContractWrapper::new(
            ballast_views::contract::execute,
            ballast_views::contract::instantiate,
            ballast_views::contract::query,
        )));
        let views = s
            .app
            .instantiate_contract(
                views_code,
                s.owner.clone(),
                &ballast_types::views::InstantiateMsg {
                    clearinghouse: clearinghouse.to_string(),
                },
                &[],
                "ballast-views",
                None,
            )
            .expect("instantiate views");
        s.ch = Some(Deployment {
            clearinghouse,
            views,
            statom: statom.clone(),
            code,
        });
        let owner = s.owner.clone();
        let setup = [
            ExecuteMsg::SetUnderlying {
                name: "BTC".into(),
                config: underlying_config("BTC", "0.03"),
            },
            ExecuteMsg::SetUnderlying {
                name: "ATOM".into(),
                config: underlying_config("ATOM", "0.05"),
            },
            ExecuteMsg::SetRisk(risk_config(Some("BTC"))),
            ExecuteMsg::SetMarket {
                id: "BTC-PERP".into(),
                config: perp_config("BTC", "0.05", "0.03"),
            },
            ExecuteMsg::SetMarket {
                id: "ATOM-PERP".into(),
                config: perp_config("ATOM", "0.10", "0.05"),
            },
            ExecuteMsg::SetCollateral {
                id: "atom".into(),
                config: collateral_config(
                    AssetInfo::Native {
                        denom: "uatom".into(),
                    },
                    "ATOM",
                    "0.8",
                ),
            },
            ExecuteMsg::SetCollateral {
                id: "statom".into(),
                config: collateral_config(
                    AssetInfo::Cw20 {
                        address: statom.to_string(),
                    },
                    "STATOM",
                    "0.85",
                ),
            },
        ];
        for msg in setup {
            s.ch_exec(&owner, &msg, &[]).expect("clearinghouse setup");
        }
        let set_ref = ballast_types::oracle::ExecuteMsg::SetReference {
            asset: Some("BTC".into()),
        };
        s.oracle_exec(&owner, &set_ref).expect("oracle reference");
        s
    }

    pub fn ch(&self) -> &Deployment {
        self.ch
            .as_ref()
            .expect("Suite::full() deploys the clearinghouse")
    }

    /// Every feeder pushes each (asset, price).
    pub fn feed(&mut self, prices: &[(&str, &str)]) {
        for (asset, price) in prices {
            self.push_all(asset, price);
        }
    }

    pub fn ch_exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[cosmwasm_std::Coin],
    ) -> AnyResult<AppResponse> {
        let ch = self.ch().clearinghouse.clone();
        self.app.execute_contract(sender.clone(), ch, msg, funds)
    }

    pub fn ch_query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> StdResult<T> {
        self.app
            .wrap()
            .query_wasm_smart(&self.ch().clearinghouse, msg)
    }

    /// A query of the views contract (the clearinghouse's lists, order status, totals).
    pub fn views_query<T: serde::de::DeserializeOwned>(
        &self,
        msg: &ballast_types::views::QueryMsg,
    ) -> StdResult<T> {
        self.app.wrap().query_wasm_smart(&self.ch().views, msg)
    }

    pub fn create_account(
        &mut self,
        trader: usize,
        sub_id: u32,
        mode: AccountMode,
    ) -> AnyResult<AppResponse> {
        let t = self.traders[trader].clone();
        self.ch_exec(
            &t,
            &ExecuteMsg::CreateAccount(AccountSetup { sub_id, mode }),
            &[],
        )
    }

    /// Native deposit of `amount` base units of `denom`.
    pub fn deposit(
        &mut self,
        trader: usize,
        sub_id: u32,
        amount: u128,
        denom: &str,
    ) -> AnyResult<AppResponse> {
        let t = self.traders[trader].clone();
        self.ch_exec(
            &t,
            &ExecuteMsg::Deposit(SubAccount { sub_id }),
            &[coin(amount, denom)],
        )
    }

    /// cw20 stATOM deposit through `Send`.
    pub fn deposit_statom(
        &mut self,
        trader: usize,
        sub_id: u32,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let t = self.traders[trader].clone();
        let (token, ch) = (self.ch().statom.clone(), self.ch().clearinghouse.clone());
        let msg = cw20::Cw20ExecuteMsg::Send {
            contract: ch.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(&ReceiveMsg::Deposit(SubAccount { sub_id })).expect("hook"),
        };
        self.app.execute_contract(t, token, &msg, &[])
    }

    pub fn withdraw(
        &mut self,
        trader: usize,
        sub_id: u32,
        collateral: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let t = self.traders[trader].clone();
        let msg = ExecuteMsg::Withdraw {
            sub_id,
            collateral: collateral.into(),
            amount: Uint128::new(amount),
        };
        self.ch_exec(&t, &msg, &[])
    }

    pub fn account(&self, trader: usize, sub_id: u32) -> StdResult<AccountResponse> {
        self.ch_query(&QueryMsg::Account(AccountRef {
            owner: self.traders[trader].to_string(),
            sub_id,
        }))
    }

    /// A trader's positions (from the account query).
    pub fn positions(&self, trader: usize, sub_id: u32) -> Vec<PositionResponse> {
        self.account(trader, sub_id).expect("account").positions
    }

    /// A market's configuration and state.
    pub fn market(&self, id: &str) -> MarketResponse {
        self.ch_query(&QueryMsg::Market(MarketRef {
            market: id.to_string(),
        }))
        .expect("market")
    }

    /// Fees, the clearing balance and the liquidation figures.
    pub fn ledger_totals(&self) -> TotalsResponse {
        self.views_query(&ViewsQuery::Totals(Empty {}))
            .expect("ledger")
    }

    /// Anyone cranks `market` (a page of 30 holders for an expired market).
    pub fn crank(&mut self, market: &str) -> AnyResult<AppResponse> {
        let keeper = self.owner.clone();
        let msg = ExecuteMsg::Crank {
            market: market.into(),
            limit: Some(30),
        };
        self.ch_exec(&keeper, &msg, &[])
    }

    /// Anyone settles a trader's pending funding and expired positions.
    pub fn settle_account(&mut self, trader: usize, sub_id: u32) -> AnyResult<AppResponse> {
        let keeper = self.owner.clone();
        let msg = ExecuteMsg::SettleAccount(AccountRef {
            owner: self.traders[trader].to_string(),
            sub_id,
        });
        self.ch_exec(&keeper, &msg, &[])
    }

    pub fn margin(
        &self,
        trader: usize,
        sub_id: u32,
    ) -> StdResult<ballast_risk::model::MarginReport> {
        self.ch_query(&QueryMsg::Margin(AccountRef {
            owner: self.traders[trader].to_string(),
            sub_id,
        }))
    }

    /// Every account of every trader (all pages).
    pub fn all_accounts(&self) -> Vec<AccountResponse> {
        let mut out = vec![];
        for t in &self.traders {
            let mut start_after = None;
            loop {
                let page: Vec<AccountResponse> = self
                    .views_query(&ViewsQuery::Accounts {
                        owner: t.to_string(),
                        start_after,
                        limit: Some(30),
                    })
                    .expect("accounts");
                start_after = page.last().map(|a| a.sub_id);
                let done = page.len() < 30;
                out.extend(page);
                if done {
                    break;
                }
            }
        }
        out
    }

    /// I1 conservation: the clearinghouse's token balances equal what its ledger says it
    /// holds — settlement tokens = Σ settlement balances + fees + clearing; each collateral
    /// = Σ holdings = its listed total — exactly, to the base unit.
    pub fn assert_conservation(&self) {
        let accounts = self.all_accounts();
        let ch = self.ch().clearinghouse.clone();
        let settlement: i128 = accounts.iter().map(|a| a.settlement.i128()).sum();
        let totals = self.ledger_totals();
        assert_eq!(
            self.balance(&ch, SETTLEMENT) as i128,
            settlement + totals.fees.u128() as i128 + totals.clearing.i128(),
            "settlement tokens vs ledger + fees + clearing"
        );
        let held = |id: &str| -> u128 {
            accounts
                .iter()
                .flat_map(|a| a.collateral.iter())
                .filter(|h| h.collateral == id)
                .map(|h| h.amount.u128())
                .sum()
        };
        assert_eq!(
            self.balance(&ch, "uatom"),
            held("atom"),
            "ATOM tokens vs ledger"
        );
        assert_eq!(
            self.statom_balance(&ch),
            held("statom"),
            "stATOM tokens vs ledger"
        );
        let listed: Vec<NamedCollateral> = self
            .views_query(&ViewsQuery::Collaterals(Page {
                start_after: None,
                limit: None,
            }))
            .expect("collaterals");
        for c in listed {
            assert_eq!(c.total, Uint128::new(held(&c.id)), "cap total of {}", c.id);
        }
    }

    /// Native balance of an address.
    pub fn balance(&self, addr: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(addr, denom)
            .expect("balance")
            .amount
            .u128()
    }

    /// cw20 stATOM balance of an address.
    pub fn statom_balance(&self, addr: &Addr) -> u128 {
        let r: cw20::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.ch().statom,
                &cw20::Cw20QueryMsg::Balance {
                    address: addr.to_string(),
                },
            )
            .expect("cw20 balance");
        r.balance.u128()
    }
}
