//! The loss waterfall's contracts on top of [`Suite::full`]: the liquidator and the
//! insurance pool (junior and senior cw20 shares), wired into the clearinghouse.

use ballast_types::clearinghouse::{AccountMode, ExecuteMsg};
use ballast_types::clearinghouse::{AccountRef, LotRef, LotResponse};
use ballast_types::insurance::{
    BackstopResponse, ExecuteMsg as InsuranceExecute, InstantiateMsg as InsuranceInstantiate,
    QueryMsg as InsuranceQuery, Tranche, TrancheResponse,
};
use ballast_types::liquidation::{LiquidationConfig, LossesResponse};
use ballast_types::liquidator::{
    Curve, CurveConfig, ExecuteMsg as AuctionExecute, InstantiateMsg as AuctionInstantiate,
    LotStatus, QueryMsg as AuctionQuery,
};
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::{coin, Addr, Decimal, SignedDecimal, Uint128};
use cw_multi_test::{AppResponse, ContractWrapper, Executor};

use crate::{AnyResult, Suite, SETTLEMENT};

pub struct Waterfall {
    pub liquidator: Addr,
    pub insurance: Addr,
    /// Whoever calls `Liquidate` and `Redo` in the tests (no funds needed).
    pub keeper: Addr,
}

/// Linear curve: 5 % over the mark down to 20 % under it in one hour.
pub fn curve_config() -> CurveConfig {
    CurveConfig {
        buf: Decimal::percent(105),
        cusp: Decimal::percent(80),
        tail_secs: 3600,
        curve: Curve::Linear,
    }
}

/// 1 % penalty, 5 USDC keeper tip, 1 USDC redo tip; lots sized for a 5 % discount.
pub fn liquidation_config(liquidator: &Addr, insurance: &Addr) -> LiquidationConfig {
    LiquidationConfig {
        liquidator: liquidator.to_string(),
        insurance: insurance.to_string(),
        penalty: Decimal::percent(1),
        keeper_tip: Uint128::new(5_000_000),
        redo_tip: Uint128::new(1_000_000),
        sizing_discount: Decimal::percent(5),
        insurance_share: Decimal::percent(50),
    }
}

impl Suite {
    /// [`Suite::full`] plus the liquidator and the insurance pool (one-day withdrawal
    /// cool-down, junior tilt 0.5), and the clearinghouse's liquidation configuration.
    pub fn with_liquidation() -> Suite {
        let mut s = Suite::full();
        let owner = s.owner.clone();
        let auction_code = s.app.store_code(Box::new(
            ContractWrapper::new(
                ballast_liquidator::contract::execute,
                ballast_liquidator::contract::instantiate,
                ballast_liquidator::contract::query,
            )
            .with_reply(ballast_liquidator::contract::reply)
            .with_migrate(ballast_liquidator::contract::migrate),
        ));
        let ch = s.ch().clearinghouse.clone();
        let auction = s
            .app
            .instantiate_contract(
                auction_code,
                owner.clone(),
                &AuctionInstantiate {
                    owner: owner.to_string(),
                    clearinghouse: ch.to_string(),
                    curve: curve_config(),
                },
                &[],
                "ballast-liquidator",
                Some(owner.to_string()),
            )
            .expect("instantiate auction");
        let (share_code, pool_code) = crate::pool::store_codes(&mut s.app);
        let insurance = s
            .app
            .instantiate_contract(
                pool_code,
                owner.clone(),
                &InsuranceInstantiate {
                    owner: owner.to_string(),
                    settlement_denom: SETTLEMENT.into(),
                    clearinghouse: Some(ch.to_string()),
                    liquidator: Some(auction.to_string()),
                    share_code_id: share_code,
                    cooldown_secs: 86_400,
                    withdraw_window_secs: 7 * 86_400,
                    junior_tilt: Decimal::percent(50),
                },
                &[],
                "ballast-insurance-pool",
                Some(owner.to_string()),
            )
            .expect("instantiate insurance pool");
        let config = liquidation_config(&auction, &insurance);
        s.ch_exec(&owner, &ExecuteMsg::SetLiquidation(config), &[])
            .expect("set liquidation");
        let keeper = s.app.api().addr_make("keeper");
        s.waterfall = Some(Waterfall {
            liquidator: auction,
            insurance,
            keeper,
        });
        s
    }

    /// [`Suite::with_liquidation`] with Alice (cross, 20,000 USDC) long 2 BTC from Bob
    /// (cross, 200,000 USDC) at 60,000; Carol (cross, 300,000 USDC) bids.
    pub fn levered() -> Suite {
        let mut s = Suite::with_liquidation();
        for (t, amount) in [(0, 20_000u128), (1, 200_000), (2, 300_000)] {
            s.create_account(t, 0, AccountMode::Cross).expect("account");
            s.deposit(t, 0, amount * 1_000_000, SETTLEMENT)
                .expect("deposit");
        }
        let maker = s.signed(1, s.order(1, 0, "BTC-PERP", Sell, "2", "60000", 1));
        let taker = s.signed(0, s.order(0, 0, "BTC-PERP", Buy, "2", "60000", 1));
        s.settle(maker, taker, "2", "60000").expect("levered trade");
        s
    }

    /// Moves BTC down 5 % at a time (steps the oracle accepts at once) until the account
    /// is below maintenance margin — below zero equity when `underwater` —; returns the
    /// last BTC price.
    pub fn crash_until(&mut self, trader: usize, sub_id: u32, underwater: bool) -> u64 {
        let mut btc = 60_000u64;
        loop {
            btc = btc * 95 / 100;
            self.refeed_btc(btc, 30);
            let r = self.margin(trader, sub_id).expect("margin");
            let limit = if underwater {
                SignedDecimal::zero()
            } else {
                r.maintenance_margin
            };
            if r.equity < limit {
                return btc;
            }
            assert!(btc > 1_000, "never became liquidatable");
        }
    }

    /// `secs` later, every feeder posts BTC at `btc` (ATOM 10, stATOM 12).
    pub fn refeed_btc(&mut self, btc: u64, secs: u64) {
        self.advance(secs);
        let p = btc.to_string();
        self.feed(&[("BTC", p.as_str()), ("ATOM", "10"), ("STATOM", "12")]);
    }

    pub fn waterfall(&self) -> &Waterfall {
        self.waterfall
            .as_ref()
            .expect("Suite::with_liquidation() deploys the waterfall")
    }

    /// The keeper liquidates a trader's account (the liquidator's `Liquidate`).
    pub fn liquidate(&mut self, trader: usize, sub_id: u32) -> AnyResult<AppResponse> {
        let (keeper, liquidator) = (
            self.waterfall().keeper.clone(),
            self.waterfall().liquidator.clone(),
        );
        let msg = AuctionExecute::Liquidate(AccountRef {
            owner: self.traders[trader].to_string(),
            sub_id,
        });
        self.app.execute_contract(keeper, liquidator, &msg, &[])
    }

    /// A trader bids for `fraction` of a lot into its account `sub_id`.
    pub fn bid(
        &mut self,
        trader: usize,
        sub_id: u32,
        lot: u64,
        fraction: &str,
        max_price: SignedDecimal,
    ) -> AnyResult<AppResponse> {
        let bidder = self.traders[trader].clone();
        let auction = self.waterfall().liquidator.clone();
        let msg = AuctionExecute::Bid {
            lot,
            sub_id,
            fraction: fraction.parse().expect("fraction"),
            max_price,
        };
        self.app.execute_contract(bidder, auction, &msg, &[])
    }

    /// The keeper asks the auction to auto-deleverage `lot` against the named accounts
    /// (trader index, sub-account).
    pub fn deleverage(&mut self, lot: u64, candidates: &[(usize, u32)]) -> AnyResult<AppResponse> {
        let (keeper, auction) = (
            self.waterfall().keeper.clone(),
            self.waterfall().liquidator.clone(),
        );
        let candidates = candidates
            .iter()
            .map(|&(t, sub_id)| AccountRef {
                owner: self.traders[t].to_string(),
                sub_id,
            })
            .collect();
        let msg = AuctionExecute::Deleverage { lot, candidates };
        self.app.execute_contract(keeper, auction, &msg, &[])
    }

    /// What happened to a lot, oldest first (the first 30 events).
    pub fn lot_history(&self, lot: u64) -> Vec<ballast_types::liquidator::LotEvent> {
        let msg = AuctionQuery::History {
            lot,
            start_after: None,
            limit: Some(30),
        };
        self.app
            .wrap()
            .query_wasm_smart(&self.waterfall().liquidator, &msg)
            .expect("lot history")
    }

    pub fn redo(&mut self, lot: u64) -> AnyResult<AppResponse> {
        let (keeper, auction) = (
            self.waterfall().keeper.clone(),
            self.waterfall().liquidator.clone(),
        );
        self.app
            .execute_contract(keeper, auction, &AuctionExecute::Redo { lot }, &[])
    }

    /// A trader deposits `amount` uusdc into a tranche of the insurance pool.
    pub fn insure(
        &mut self,
        trader: usize,
        tranche: Tranche,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let who = self.traders[trader].clone();
        let pool = self.waterfall().insurance.clone();
        let msg = InsuranceExecute::Deposit { tranche };
        self.app
            .execute_contract(who, pool, &msg, &[coin(amount, SETTLEMENT)])
    }

    pub fn lot_status(&self, lot: u64) -> LotStatus {
        self.app
            .wrap()
            .query_wasm_smart(&self.waterfall().liquidator, &AuctionQuery::Lot { lot })
            .expect("lot status")
    }

    pub fn lot(&self, id: u64) -> LotResponse {
        self.ch_query(&ballast_types::clearinghouse::QueryMsg::Lot(LotRef { id }))
            .expect("lot")
    }

    pub fn losses(&self) -> LossesResponse {
        self.ledger_totals().losses
    }

    /// The owner makes the insurance pool the auction's backstop: the pool opens its
    /// clearinghouse account 0 with the agent key "backstop-agent" and, when `fund` > 0,
    /// moves `fund` uusdc of the junior tranche into it. The pool is appended to the traders
    /// (with the agent's key, so `signed` signs its orders as the agent): its index is
    /// returned, and the suite's ledger checks include its account.
    pub fn with_backstop(&mut self, fund: u128) -> usize {
        let owner = self.owner.clone();
        let (auction, pool) = (
            self.waterfall().liquidator.clone(),
            self.waterfall().insurance.clone(),
        );
        let agent = crate::signing::trader_key("backstop-agent");
        let set = InsuranceExecute::SetBackstop {
            auction: Some(auction.to_string()),
            sub_id: 0,
            agent: Some(crate::signing::trader_address(&agent).to_string()),
        };
        self.app
            .execute_contract(owner.clone(), pool.clone(), &set, &[])
            .expect("pool: set backstop");
        let set = AuctionExecute::SetBackstop {
            backstop: Some(pool.to_string()),
        };
        self.app
            .execute_contract(owner.clone(), auction, &set, &[])
            .expect("auction: set backstop");
        if fund > 0 {
            let msg = InsuranceExecute::FundBackstop {
                amount: Uint128::new(fund),
            };
            self.app
                .execute_contract(owner, pool.clone(), &msg, &[])
                .expect("fund backstop");
        }
        self.traders.push(pool);
        self.keys.push(agent);
        self.traders.len() - 1
    }

    pub fn backstop(&self) -> BackstopResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.waterfall().insurance, &InsuranceQuery::Backstop {})
            .expect("backstop")
    }

    pub fn tranches(&self) -> Vec<TrancheResponse> {
        self.app
            .wrap()
            .query_wasm_smart(&self.waterfall().insurance, &InsuranceQuery::Tranches {})
            .expect("tranches")
    }
}
