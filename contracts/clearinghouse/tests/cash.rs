//! Cash flows that are not trades: perp funding, expiry of futures and options, the crank;
//! margin-mode changes and the what-if trade; RELIABILITY 25 and 26 at the clearinghouse.

use ballast_risk::model::{Instrument, OptionKind};
use ballast_testing::{perp_config, risk_config, Suite, SETTLEMENT};
use ballast_types::clearinghouse::{
    AccountMode, AccountSetup, ExecuteMsg, FundingResponse, PositionResponse, QueryMsg,
};
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::{Decimal, Int128, SignedDecimal};
use cw_multi_test::AppResponse;

use crate::{contract_err, inv_conservation, ledger};
use ballast_clearinghouse::error::ContractError;

const ALICE: usize = 0;
const BOB: usize = 1;
const PRICES: [(&str, &str); 3] = [("BTC", "60000"), ("ATOM", "10"), ("STATOM", "12")];

fn traders() -> Suite {
    let mut s = Suite::full();
    s.create_account(ALICE, 0, AccountMode::Portfolio).unwrap();
    s.create_account(BOB, 0, AccountMode::Cross).unwrap();
    s.deposit(ALICE, 0, 100_000_000_000, SETTLEMENT).unwrap();
    s.deposit(BOB, 0, 100_000_000_000, SETTLEMENT).unwrap();
    s
}

/// Alice buys `size` of `market` from Bob at `price`.
fn trade(s: &mut Suite, market: &str, size: &str, price: &str, nonce: u64) {
    let maker = s.signed(BOB, s.order(BOB, 0, market, Sell, size, price, nonce));
    let taker = s.signed(ALICE, s.order(ALICE, 0, market, Buy, size, price, nonce));
    s.settle(maker, taker, size, price).unwrap();
}

fn settlement(s: &Suite, t: usize) -> i128 {
    s.account(t, 0).unwrap().settlement.i128()
}

fn positions(s: &Suite, t: usize) -> Vec<PositionResponse> {
    s.positions(t, 0)
}

fn usdc(units: i128) -> SignedDecimal {
    SignedDecimal::from_atomics(units, 0).unwrap()
}

fn attr(r: &AppResponse, key: &str) -> String {
    ballast_testing::attribute(r, key).unwrap_or_else(|| panic!("no attribute {key}"))
}

fn list(s: &mut Suite, id: &str, instrument: Instrument) {
    let mut config = perp_config("BTC", "0.05", "0.03");
    config.instrument = instrument;
    let owner = s.owner.clone();
    let msg = ExecuteMsg::SetMarket {
        id: id.into(),
        config,
    };
    s.ch_exec(&owner, &msg, &[]).unwrap();
}

#[test]
fn funding_moves_value_from_longs_to_shorts_and_sums_to_zero_minus_rounding() {
    let mut s = traders();
    // A trade 0.5 % over the index: the premium average takes 20 % of it, and the hourly
    // rate pays it away over 8 hours: 0.1 % / 8 = 0.0125 % an hour, longs paying.
    trade(&mut s, "BTC-PERP", "0.333", "60300", 1);
    let f: FundingResponse = s.market("BTC-PERP").funding.unwrap();
    assert_eq!(f.premium, SignedDecimal::permille(1));
    assert_eq!(f.rate, "0.000125".parse::<SignedDecimal>().unwrap());
    let (a0, b0) = (settlement(&s, ALICE), settlement(&s, BOB));
    let equity_before = s.margin(ALICE, 0).unwrap().equity;

    s.advance(1001);
    s.feed(&PRICES);
    let r = s.crank("BTC-PERP").unwrap();
    // 0.0125 % of 60,000 USDC an hour, for 1001 s: 2.0854166… USDC per BTC.
    let cumulative: SignedDecimal = attr(&r, "cumulative_funding").parse().unwrap();
    assert!(
        cumulative > "2085416.666".parse().unwrap() && cumulative < "2085416.667".parse().unwrap()
    );
    // Owed 694,443.75 base units: the long pays 694,444, the short will get 694,443.
    let (pa, pb) = (positions(&s, ALICE), positions(&s, BOB));
    assert_eq!(
        (pa[0].pending, pb[0].pending),
        (Int128::new(-694_444), Int128::new(694_443))
    );
    // The margin report already counts it; settling on touch (a withdrawal) moves it.
    let equity_due = s.margin(ALICE, 0).unwrap().equity;
    assert_eq!(equity_due, equity_before - usdc(694_444));
    s.withdraw(ALICE, 0, SETTLEMENT, 1_000_000).unwrap();
    assert_eq!(settlement(&s, ALICE), a0 - 1_000_000 - 694_444);
    assert_eq!(s.ledger_totals().clearing, Int128::new(694_444));
    assert_eq!(positions(&s, ALICE)[0].pending, Int128::zero());
    inv_conservation(&s);
    s.withdraw(BOB, 0, SETTLEMENT, 1_000_000).unwrap();
    assert_eq!(settlement(&s, BOB), b0 - 1_000_000 + 694_443);
    // Everyone settled: the unit of rounding stays with the protocol.
    assert_eq!(s.ledger_totals().clearing, Int128::new(1));
    inv_conservation(&s);

    // A trade under the index turns the premium negative: shorts pay longs.
    trade(&mut s, "BTC-PERP", "0.02", "57000", 2);
    let f: FundingResponse = s.market("BTC-PERP").funding.unwrap();
    assert!(f.rate < SignedDecimal::zero(), "rate {}", f.rate);
    s.advance(3600);
    s.feed(&PRICES);
    s.crank("BTC-PERP").unwrap();
    let (pa, pb) = (positions(&s, ALICE), positions(&s, BOB));
    assert!(pa[0].pending > Int128::zero() && pb[0].pending < Int128::zero());
    inv_conservation(&s);
}

#[test]
fn future_expires_and_settles_at_the_first_fresh_price() {
    let mut s = traders();
    let expiry = s.now() + 600;
    list(&mut s, "BTC-FUT", Instrument::Future { expiry });
    trade(&mut s, "BTC-FUT", "2", "60000", 1);
    assert_eq!(
        settlement(&s, ALICE),
        100_000_000_000 - 120_000_000_000 - 60_000_000
    );
    s.advance(601);
    s.feed(&[("BTC", "63000"), ("ATOM", "10"), ("STATOM", "12")]);
    // Before any crank the report already values the position at its payoff, 2 × 63,000.
    let r = s.margin(ALICE, 0).unwrap();
    assert_eq!(r.equity, usdc(105_940_000_000));
    assert_eq!(r.initial_margin, SignedDecimal::zero());
    let r = s.crank("BTC-FUT").unwrap();
    assert_eq!(
        (
            attr(&r, "settlement_price"),
            attr(&r, "settled"),
            attr(&r, "remaining")
        ),
        ("63000".into(), "2".into(), "0".into())
    );
    // Alice: paid 120,000 + 60 fee, received 126,000. Bob: the mirror, 24 fee.
    assert_eq!(settlement(&s, ALICE), 105_940_000_000);
    assert_eq!(
        settlement(&s, BOB),
        100_000_000_000 + 120_000_000_000 - 24_000_000 - 126_000_000_000
    );
    assert!(positions(&s, ALICE).is_empty() && positions(&s, BOB).is_empty());
    assert_eq!(s.ledger_totals().clearing, Int128::zero());
    inv_conservation(&s);
    // The price is fixed: a later move changes nothing, a second crank settles nobody.
    s.advance(10);
    s.feed(&[("BTC", "64000"), ("ATOM", "10"), ("STATOM", "12")]);
    let r = s.crank("BTC-FUT").unwrap();
    assert_eq!(attr(&r, "settled"), "0");
    let fixed: Option<Decimal> = s.market("BTC-FUT").expiry_price;
    assert_eq!(fixed, Some(Decimal::from_ratio(63_000u32, 1u32)));
}

#[test]
fn option_expires_in_the_money_and_settles_lazily_on_touch() {
    let mut s = traders();
    let expiry = s.now() + 600;
    let strike = SignedDecimal::from_atomics(62_000i128, 0).unwrap();
    let call = Instrument::Option {
        expiry,
        strike,
        kind: OptionKind::Call,
    };
    list(&mut s, "BTC-62000-C", call);
    trade(&mut s, "BTC-62000-C", "1", "500", 1);
    s.advance(601);
    s.feed(&[("BTC", "63000"), ("ATOM", "10"), ("STATOM", "12")]);
    // Alice's withdrawal settles her call (payoff 1,000) without any crank.
    s.withdraw(ALICE, 0, SETTLEMENT, 1_000_000).unwrap();
    assert_eq!(
        settlement(&s, ALICE),
        100_000_000_000 - 500_000_000 - 250_000 + 1_000_000_000 - 1_000_000
    );
    assert!(positions(&s, ALICE).is_empty());
    assert_eq!(s.ledger_totals().clearing, Int128::new(-1_000_000_000));
    inv_conservation(&s);
    // The crank settles the one holder left, at the price Alice's touch fixed.
    s.advance(10);
    s.feed(&[("BTC", "61000"), ("ATOM", "10"), ("STATOM", "12")]);
    let r = s.crank("BTC-62000-C").unwrap();
    assert_eq!(
        (attr(&r, "settled"), attr(&r, "settlement_price")),
        ("1".into(), "63000".into())
    );
    assert_eq!(
        settlement(&s, BOB),
        100_000_000_000 + 500_000_000 - 100_000 - 1_000_000_000
    );
    assert_eq!(s.ledger_totals().clearing, Int128::zero());
    inv_conservation(&s);
}

#[test]
fn crank_of_a_live_dated_market_or_unknown_market_is_refused() {
    let mut s = traders();
    let expiry = s.now() + 600;
    list(&mut s, "BTC-FUT", Instrument::Future { expiry });
    assert!(matches!(
        contract_err(s.crank("BTC-FUT")),
        ContractError::NothingToCrank { .. }
    ));
    assert!(matches!(
        contract_err(s.crank("DOGE-PERP")),
        ContractError::NotListed { .. }
    ));
}

#[test]
fn mode_change_only_when_it_keeps_initial_margin() {
    let mut s = traders();
    // A basis hedge: long the perp, short a 30-day future. Portfolio margin nets the legs;
    // cross margin charges both.
    let expiry = s.now() + 30 * 86_400;
    list(&mut s, "BTC-FUT", Instrument::Future { expiry });
    trade(&mut s, "BTC-PERP", "1", "60000", 1);
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-FUT", Buy, "1", "60000", 2));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-FUT", Sell, "1", "60000", 2));
    s.settle(maker, taker, "1", "60000").unwrap();
    s.withdraw(ALICE, 0, SETTLEMENT, 96_000_000_000).unwrap();
    let set = |s: &mut Suite, mode: AccountMode| {
        let sender = s.traders[ALICE].clone();
        s.ch_exec(
            &sender,
            &ExecuteMsg::SetMode(AccountSetup { sub_id: 0, mode }),
            &[],
        )
    };
    let before = ledger(&s);
    assert!(matches!(
        contract_err(set(&mut s, AccountMode::Cross)),
        ContractError::BelowInitialMargin { .. }
    ));
    let isolated = AccountMode::Isolated {
        market: "BTC-PERP".into(),
    };
    assert!(matches!(
        contract_err(set(&mut s, isolated)),
        ContractError::HoldsOtherMarkets { .. }
    ));
    assert_eq!(ledger(&s), before, "refused mode changes change nothing");
    assert_eq!(s.account(ALICE, 0).unwrap().mode, AccountMode::Portfolio);
    // With the money back, cross margin is met and the change goes through.
    s.deposit(ALICE, 0, 96_000_000_000, SETTLEMENT).unwrap();
    set(&mut s, AccountMode::Cross).unwrap();
    assert_eq!(s.account(ALICE, 0).unwrap().mode, AccountMode::Cross);
    inv_conservation(&s);
}

#[test]
fn what_if_trade_reports_the_margin_the_trade_will_have() {
    let mut s = traders();
    trade(&mut s, "BTC-PERP", "0.5", "60300", 1);
    s.advance(1800);
    s.feed(&PRICES);
    let what_if: ballast_risk::model::MarginReport = s
        .ch_query(&QueryMsg::WhatIfTrade {
            owner: s.traders[ALICE].to_string(),
            sub_id: 0,
            market: "BTC-PERP".into(),
            size: "0.25".parse().unwrap(),
            price: "60100".parse().unwrap(),
        })
        .unwrap();
    // The same fill for real (Alice is the taker, as the query assumes).
    trade(&mut s, "BTC-PERP", "0.25", "60100", 2);
    let after = s.margin(ALICE, 0).unwrap();
    assert_eq!(what_if.equity, after.equity);
    assert_eq!(what_if.initial_margin, after.initial_margin);
    assert_eq!(what_if.maintenance_margin, after.maintenance_margin);
    inv_conservation(&s);
}

#[test]
fn bad_25_price_of_zero_is_refused_and_the_last_good_price_stands() {
    let mut s = traders();
    trade(&mut s, "BTC-PERP", "1", "60000", 1);
    let (before, report) = (ledger(&s), s.margin(ALICE, 0).unwrap());
    for feeder in 0..3 {
        assert!(s.push(feeder, "BTC", "0").is_err(), "zero price accepted");
    }
    assert_eq!(ledger(&s), before);
    assert_eq!(s.margin(ALICE, 0).unwrap(), report);
    assert_eq!(
        s.price("BTC").unwrap().price,
        Decimal::from_ratio(60_000u32, 1u32)
    );
}

#[test]
fn bad_26_volatility_of_zero_or_absurd_is_clamped_never_trusted() {
    let mut s = traders();
    // Zero: BTC re-listed in the oracle without a prior, one price, no history.
    let owner = s.owner.clone();
    let remove = ballast_types::oracle::ExecuteMsg::RemoveAsset {
        asset: "BTC".into(),
    };
    s.oracle_exec(&owner, &remove).unwrap();
    let config = ballast_testing::asset_config(&s.feeders);
    s.set_asset("BTC", config).unwrap();
    s.feed(&[("BTC", "60000")]);
    trade(&mut s, "BTC-PERP", "1", "60000", 1);
    // Margin stands on the floors: at least the 5 % base.
    assert_eq!(s.volatility("BTC").unwrap().vol, SignedDecimal::zero());
    let r = s.margin(BOB, 0).unwrap();
    assert!(
        r.initial_margin >= usdc(3_000_000_000),
        "{}",
        r.initial_margin
    );
    // Absurd: a confirmed 50 % hourly move makes the EWMA σ several hundred percent a year,
    // beyond the engine's 500 % maximum. Margin is computed at the maximum, not refused.
    s.advance(3600);
    s.feed(&[("BTC", "90000"), ("ATOM", "10"), ("STATOM", "12")]);
    let vol = s.volatility("BTC").unwrap().vol;
    assert!(vol > usdc(5), "σ {vol}");
    let at_max = s.margin(ALICE, 0).unwrap();
    // Raising the maximum raises the margin: it was clamped, not ignored.
    let owner = s.owner.clone();
    let mut risk = risk_config(Some("BTC"));
    risk.max_vol = usdc(20);
    s.ch_exec(&owner, &ExecuteMsg::SetRisk(risk), &[]).unwrap();
    let above = s.margin(ALICE, 0).unwrap();
    assert!(above.initial_margin > at_max.initial_margin);
}
