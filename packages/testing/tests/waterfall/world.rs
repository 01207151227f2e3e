//! The world the random sequences act on, and what each action does.

use std::collections::BTreeMap;

use ballast_risk::model::Instrument;
use ballast_testing::{attribute, has_action, Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountMode, ExecuteMsg, MarketConfig};
use ballast_types::insurance::{ReceiveMsg as PoolReceive, Tranche};
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::{to_json_binary, Decimal, SignedDecimal, Uint128};
use cw_multi_test::Executor;
use proptest::prelude::*;

use crate::check::usdc;
use crate::{count, fail, Action};

pub struct World {
    pub s: Suite,
    pub btc: f64,
    pub atom: f64,
    pub nonce: u64,
    pub usdc_total: u128,
    /// Per open lot: the last factor seen and the redo count it was seen at.
    pub factors: BTreeMap<u64, (Decimal, u32)>,
    /// The pool's trader index once it is the backstop.
    pub backstop: Option<usize>,
}

impl World {
    pub fn new() -> World {
        let mut s = Suite::with_liquidation();
        s.create_account(0, 0, AccountMode::Cross).unwrap();
        s.create_account(1, 0, AccountMode::Portfolio).unwrap();
        s.create_account(2, 0, AccountMode::Cross).unwrap();
        s.deposit(0, 0, 10_000_000_000, SETTLEMENT).unwrap();
        s.deposit(1, 0, 10_000_000_000, SETTLEMENT).unwrap();
        s.deposit(2, 0, 900_000_000_000, SETTLEMENT).unwrap();
        let future = MarketConfig {
            instrument: Instrument::Future {
                expiry: s.now() + 7_200,
            },
            ..ballast_testing::perp_config("BTC", "0.05", "0.03")
        };
        let owner = s.owner.clone();
        let msg = ExecuteMsg::SetMarket {
            id: "BTC-FUT".into(),
            config: future,
        };
        s.ch_exec(&owner, &msg, &[]).unwrap();
        let usdc_total = usdc(&s);
        World {
            s,
            btc: 60_000.0,
            atom: 10.0,
            nonce: 0,
            usdc_total,
            factors: BTreeMap::new(),
            backstop: None,
        }
    }

    /// [`World::new`] with the pool as backstop from the start: Carol's 50,000 USDC in the
    /// junior tranche, 30,000 of it in the pool's clearinghouse account.
    pub fn backstopped() -> World {
        let mut w = World::new();
        w.s.insure(2, Tranche::Junior, 50_000_000_000).unwrap();
        w.backstop = Some(w.s.with_backstop(30_000_000_000));
        w.usdc_total = usdc(&w.s);
        w
    }

    pub fn feed(&mut self) {
        let (b, a) = (format!("{:.1}", self.btc), format!("{:.4}", self.atom));
        let st = format!("{:.4}", self.atom * 1.2);
        self.s.feed(&[
            ("BTC", b.as_str()),
            ("ATOM", a.as_str()),
            ("STATOM", st.as_str()),
        ]);
    }

    pub fn open_lots(&self) -> Vec<u64> {
        let n = self.s.losses().liquidations;
        (1..=n).filter(|l| self.s.lot(*l).open).collect()
    }

    pub fn step(&mut self, a: &Action) -> Result<(), TestCaseError> {
        match a {
            Action::Deposit { t, usdc } => {
                self.s
                    .deposit(*t, 0, *usdc as u128 * 1_000_000, SETTLEMENT)
                    .map_err(fail)?;
            }
            Action::Trade {
                long,
                lots,
                atom,
                future,
                off,
            } => {
                self.nonce += 1;
                let k = 1.0 + *off as f64 / 100.0;
                let (market, price, size) = if *atom {
                    (
                        "ATOM-PERP",
                        format!("{:.1}", self.atom * k),
                        format!("{:.3}", *lots as f64 / 20.0),
                    )
                } else {
                    (
                        if *future { "BTC-FUT" } else { "BTC-PERP" },
                        format!("{:.1}", self.btc * k),
                        format!("{:.3}", *lots as f64 / 20_000.0),
                    )
                };
                let oi = |s: &Suite| s.market(market).open_interest;
                let (oi_before, cap) = (oi(&self.s), self.s.market(market).config.oi_cap);
                let (buyer, seller) = (*long, 1 - *long);
                let s = &mut self.s;
                let maker = s.signed(
                    seller,
                    s.order(seller, 0, market, Sell, &size, &price, self.nonce),
                );
                let taker = s.signed(
                    buyer,
                    s.order(buyer, 0, market, Buy, &size, &price, self.nonce),
                );
                let r = s.settle(maker, taker, &size, &price);
                if let Err(e) = &r {
                    if matches!(
                        e.downcast_ref::<ballast_clearinghouse::error::ContractError>(),
                        Some(ballast_clearinghouse::error::ContractError::OutsideBand { .. })
                    ) {
                        count(11);
                    }
                }
                if r.is_ok() {
                    count(0);
                    // I17: every fill lies inside its market's band, 10 % of the oracle's
                    // index (the price actually filled: printing rounds it to 0.1).
                    let underlying = if *atom { "ATOM" } else { "BTC" };
                    let index = self.s.price(underlying).map_err(fail)?.price;
                    let filled: Decimal = price.parse().map_err(fail)?;
                    let gap = filled.abs_diff(index);
                    prop_assert!(
                        gap <= index * Decimal::percent(10),
                        "I17: filled at {filled}, index {index}"
                    );
                    // I13: a cap refuses only what raises open interest.
                    let after = oi(&self.s);
                    prop_assert!(
                        after <= cap || after <= oi_before,
                        "I13: OI {after} over {cap}"
                    );
                }
            }
            Action::Move { btc, atom } => {
                self.btc = (self.btc * (1.0 + *btc as f64 / 100.0)).max(1_000.0);
                self.atom = (self.atom * (1.0 + *atom as f64 / 100.0)).max(0.5);
                self.s.advance(5);
                self.feed();
            }
            Action::Wait { minutes } => {
                self.s.advance(minutes * 60);
                self.feed();
            }
            Action::Withdraw { t, usdc } => {
                if self
                    .s
                    .withdraw(*t, 0, SETTLEMENT, *usdc as u128 * 1_000_000)
                    .is_ok()
                {
                    count(1);
                    let r = self.s.margin(*t, 0).map_err(fail)?;
                    prop_assert!(r.equity >= r.initial_margin, "I2: withdrawal left {r:?}");
                }
            }
            Action::Liquidate { t } => {
                let before = self.s.margin(*t, 0).ok();
                let covered = self.s.losses().covered_by_insurance;
                if let Ok(r) = self.s.liquidate(*t, 0) {
                    count(2);
                    let b = before.ok_or_else(|| fail("liquidated without a margin report"))?;
                    prop_assert!(
                        b.equity < b.maintenance_margin,
                        "I4: liquidated a healthy account"
                    );
                    let attr = |k: &str| attribute(&r, k).unwrap_or_default();
                    if has_action(&r, "seize_deficit") {
                        // An account emptied by expiry: its deficit went down the waterfall
                        // (I19), no lot, no keeper tip.
                        prop_assert!(b.equity < SignedDecimal::zero());
                        prop_assert!(attribute(&r, "keeper_tip").is_none());
                        count(7);
                        return self.check();
                    }
                    let penalty: u128 = attr("penalty").parse().map_err(fail)?;
                    let gross: SignedDecimal = attr("lot_gross").parse().map_err(fail)?;
                    let cap = (gross * SignedDecimal::percent(1))
                        .to_int_ceil()
                        .i128()
                        .max(5_000_000);
                    prop_assert!(
                        penalty as i128 <= cap + 1,
                        "I4: penalty {penalty} over cap {cap}"
                    );
                    prop_assert_eq!(self.s.losses().covered_by_insurance, covered);
                }
            }
            Action::Bid { fraction } => {
                if let Some(&lot) = self.open_lots().first() {
                    let st = self.s.lot_status(lot);
                    if let (Some(price), false) = (st.price, st.needs_redo) {
                        // The fifth is dust: a share of no whole lot, which must move and pay
                        // nothing.
                        let f = ["0.25", "0.5", "0.75", "1", "0.0001"][*fraction as usize - 1];
                        let covered = self.s.losses().covered_by_insurance;
                        let before = self.s.lot(lot);
                        let bidder_before = self.s.positions(2, 0);
                        if let Ok(r) = self.s.bid(2, 0, lot, f, price) {
                            count(3);
                            let num = |k: &str| -> Result<SignedDecimal, TestCaseError> {
                                attribute(&r, k)
                                    .ok_or_else(|| fail(k))?
                                    .parse::<SignedDecimal>()
                                    .map_err(fail)
                            };
                            let paid = num("payment")?;
                            let (mark, gross, factor) =
                                (num("mark_value")?, num("gross_value")?, num("factor")?);
                            // I18: priced on exactly what moved, rounded against the bidder.
                            let off = SignedDecimal::one() - factor;
                            prop_assert_eq!(
                                paid,
                                (mark - gross * off).ceil(),
                                "I18: price of what moved"
                            );
                            // I6: a whole-lot bid pays no more than max_price.
                            if f == "1" {
                                prop_assert!(paid <= price.ceil(), "I6: paid {paid} above {price}");
                            }
                            // I18: what left the lot is what the bidder received, and never
                            // more than the fraction of it.
                            let after = self.s.lot(lot);
                            let share: SignedDecimal = f.parse().map_err(fail)?;
                            for (b, a) in before.positions.iter().zip(&after.positions) {
                                let moved = b.size - a.size;
                                prop_assert!(
                                    moved.abs_diff(SignedDecimal::zero())
                                        <= (b.size * share).abs_diff(SignedDecimal::zero()).max(
                                            if f == "1" {
                                                b.size.abs_diff(SignedDecimal::zero())
                                            } else {
                                                cosmwasm_std::Decimal::zero()
                                            }
                                        ),
                                    "I18: moved {moved} of {}",
                                    b.size
                                );
                                let held =
                                    |ps: &[ballast_types::clearinghouse::PositionResponse]| {
                                        ps.iter()
                                            .find(|p| p.market == b.market)
                                            .map(|p| p.size)
                                            .unwrap_or_default()
                                    };
                                prop_assert_eq!(
                                    held(&self.s.positions(2, 0)) - held(&bidder_before),
                                    moved,
                                    "I18: the bidder received what moved"
                                );
                            }
                            if self.s.losses().covered_by_insurance > covered {
                                count(7);
                            }
                        }
                    }
                }
            }
            Action::Crank => {
                if let Ok(r) = self.s.crank("BTC-FUT") {
                    let settled = attribute(&r, "settled").unwrap_or_default();
                    if !settled.is_empty() && settled != "0" {
                        count(12);
                    }
                    // A keeper sends every deficit the crank names down the waterfall.
                    let named: Vec<String> = r
                        .events
                        .iter()
                        .flat_map(|e| &e.attributes)
                        .filter(|a| a.key == "deficit")
                        .map(|a| a.value.clone())
                        .collect();
                    for n in named {
                        let t = (0..self.s.traders.len())
                            .find(|&t| n.starts_with(&format!("{}/0:", self.s.traders[t])))
                            .ok_or_else(|| fail(format!("unknown account in {n}")))?;
                        let r = self.s.liquidate(t, 0).map_err(fail)?;
                        prop_assert!(has_action(&r, "settle_deficit"), "I19: {n} not settled");
                    }
                }
                let _ = self.s.crank("BTC-PERP");
            }
            Action::OiCap { lower } => {
                let oi = self.s.market("BTC-PERP").open_interest;
                let config = MarketConfig {
                    oi_cap: if *lower {
                        oi * Decimal::percent(50)
                    } else {
                        Decimal::from_ratio(1_000_000u32, 1u32)
                    },
                    ..ballast_testing::perp_config("BTC", "0.05", "0.03")
                };
                let owner = self.s.owner.clone();
                let msg = ExecuteMsg::SetMarket {
                    id: "BTC-PERP".into(),
                    config,
                };
                self.s.ch_exec(&owner, &msg, &[]).map_err(fail)?;
            }
            Action::Liar => {
                // Refused or outvoted; either way the honest feeders' next pushes go
                // through (a panic there fails the test) and the price stays theirs.
                self.s.advance(5);
                let _ = self
                    .s
                    .push(0, "BTC", "340282366920938463463.374607431768211455");
                self.feed();
                let p = self.s.price("BTC").map_err(fail)?.price;
                let honest: Decimal = format!("{:.1}", self.btc).parse().map_err(fail)?;
                prop_assert_eq!(p, honest, "the liar moved the price");
                count(13);
            }
            Action::Redo => {
                // Black Thursday: an hour without bids (every run reaches its floor), then a
                // keeper redoes each lot with a fresh price (the current one, re-posted).
                self.s.advance(3_600);
                self.feed();
                for lot in self.open_lots() {
                    if !self.s.lot_status(lot).needs_redo {
                        continue;
                    }
                    let Ok(r) = self.s.redo(lot) else { continue };
                    let taken = r
                        .events
                        .iter()
                        .flat_map(|e| &e.attributes)
                        .any(|a| a.key == "action" && a.value == "backstop_bid");
                    count(if taken { 10 } else { 4 });
                    if taken {
                        // The pool took all of it, at the floor, into its own account (two
                        // opposite lots taken in one round may net its position to zero).
                        let pool = self.backstop.ok_or_else(|| fail("no backstop"))?;
                        prop_assert!(!self.s.lot_status(lot).active && !self.s.lot(lot).open);
                        let last = self.s.lot_history(lot).pop().map(|e| e.kind);
                        let bidder = match last {
                            Some(ballast_types::liquidator::LotEventKind::Bid {
                                bidder, ..
                            }) => bidder,
                            other => return Err(fail(other)),
                        };
                        prop_assert_eq!(bidder, self.s.traders[pool].to_string());
                    }
                }
            }
            Action::Backstop { usdc } => {
                let pool = match self.backstop {
                    Some(pool) => pool,
                    None => {
                        let pool = self.s.with_backstop(0);
                        self.backstop = Some(pool);
                        pool
                    }
                };
                let owner = self.s.owner.clone();
                let msg = ballast_types::insurance::ExecuteMsg::FundBackstop {
                    amount: Uint128::new(*usdc as u128 * 1_000_000),
                };
                let addr = self.s.traders[pool].clone();
                // Refused without enough junior coin (or a price for the account).
                if self.s.app.execute_contract(owner, addr, &msg, &[]).is_ok() {
                    count(9);
                }
            }
            Action::Deleverage => {
                if let Some(&lot) = self.open_lots().first() {
                    let owner = self.s.lot(lot).account.owner;
                    let sizes = |s: &Suite| -> Vec<Vec<(String, SignedDecimal)>> {
                        (0..3)
                            .map(|t| {
                                s.positions(t, 0)
                                    .into_iter()
                                    .map(|p| (p.market, p.size))
                                    .collect()
                            })
                            .collect()
                    };
                    let before = sizes(&self.s);
                    let socialized = self.s.losses().socialized;
                    if self.s.deleverage(lot, &[(0, 0), (1, 0), (2, 0)]).is_ok() {
                        count(8);
                        let after = sizes(&self.s);
                        for t in 0..3 {
                            if self.s.traders[t].as_str() == owner {
                                continue;
                            }
                            // Counterparties only ever reduce, never flip or grow.
                            for (market, size) in &after[t] {
                                let old = before[t]
                                    .iter()
                                    .find(|(m, _)| m == market)
                                    .map(|(_, s)| *s)
                                    .ok_or_else(|| fail("ADL opened a position"))?;
                                prop_assert!(
                                    old.is_negative() == size.is_negative()
                                        && size.abs_diff(SignedDecimal::zero())
                                            <= old.abs_diff(SignedDecimal::zero()),
                                    "ADL grew {market}: {old} -> {size}"
                                );
                            }
                        }
                        prop_assert!(self.s.losses().socialized >= socialized);
                        // …and are never left insolvent by their premium (a trader the
                        // deleveraging did not touch may already be underwater from the
                        // move itself: its own liquidation is another step).
                        for t in 0..3 {
                            if self.s.traders[t].as_str() != owner && after[t] != before[t] {
                                let r = self.s.margin(t, 0).map_err(fail)?;
                                prop_assert!(
                                    r.equity >= SignedDecimal::zero(),
                                    "ADL left trader {t} insolvent: {r:?}"
                                );
                            }
                        }
                    }
                }
            }
            Action::Insure { t, junior, usdc } => {
                let tranche = if *junior {
                    Tranche::Junior
                } else {
                    Tranche::Senior
                };
                if self
                    .s
                    .insure(*t, tranche, *usdc as u128 * 1_000_000)
                    .is_ok()
                {
                    count(5);
                }
            }
            Action::RequestWithdraw { t, junior } => {
                let token = self.s.tranches()[if *junior { 0 } else { 1 }].token.clone();
                let who = self.s.traders[*t].clone();
                let bal: cw20::BalanceResponse = self
                    .s
                    .app
                    .wrap()
                    .query_wasm_smart(
                        &token,
                        &cw20::Cw20QueryMsg::Balance {
                            address: who.to_string(),
                        },
                    )
                    .map_err(fail)?;
                if !bal.balance.is_zero() {
                    let msg = cw20::Cw20ExecuteMsg::Send {
                        contract: self.s.waterfall().insurance.to_string(),
                        amount: Uint128::new(bal.balance.u128() / 2 + 1),
                        msg: to_json_binary(&PoolReceive::RequestWithdraw {}).map_err(fail)?,
                    };
                    if self
                        .s
                        .app
                        .execute_contract(who, cosmwasm_std::Addr::unchecked(token), &msg, &[])
                        .is_ok()
                    {
                        count(6);
                    }
                }
            }
        }
        self.check()
    }
}
