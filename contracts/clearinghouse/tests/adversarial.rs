//! Attacks through the public messages (issue 10), one test per defect found by adversarial
//! testing, named `adv_NN_…` after its item: each checks the error or the corrected figure,
//! and that no funds moved wrongly (I1 conservation after every step). Oracle (4, 6) and
//! pool (15) items live in those contracts' tests.

use ballast_risk::model::Instrument;
use ballast_testing::{AnyResult, Suite, SETTLEMENT};
use ballast_types::clearinghouse::{
    AccountMode, AccountRef, ExecuteMsg, FundingConfig, FundingResponse, MarketConfig, SubAccount,
};
use ballast_types::insurance::Tranche;
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::{coin, Decimal, SignedDecimal, Uint128};
use cw_multi_test::{AppResponse, BankSudo, SudoMsg};

use crate::liquidation::attribute;
use crate::{contract_err, inv_conservation, ledger};
use ballast_clearinghouse::error::ContractError;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;
const USDC: u128 = 1_000_000;

/// `buyer` buys `size` of `market` at `price` from `seller` (both sub-account 0).
pub fn trade(
    s: &mut Suite,
    (buyer, seller): (usize, usize),
    market: &str,
    size: &str,
    price: &str,
    nonce: u64,
) -> AnyResult<AppResponse> {
    trade_sub(s, (buyer, 0), (seller, 0), market, size, price, nonce)
}

pub fn trade_sub(
    s: &mut Suite,
    (buyer, bsub): (usize, u32),
    (seller, ssub): (usize, u32),
    market: &str,
    size: &str,
    price: &str,
    nonce: u64,
) -> AnyResult<AppResponse> {
    let maker = s.signed(
        seller,
        s.order(seller, ssub, market, Sell, size, price, nonce),
    );
    let taker = s.signed(buyer, s.order(buyer, bsub, market, Buy, size, price, nonce));
    s.settle(maker, taker, size, price)
}

fn settlement(s: &Suite, t: usize) -> i128 {
    s.account(t, 0).unwrap().settlement.i128()
}

fn set_market(s: &mut Suite, id: &str, config: MarketConfig) -> AnyResult<AppResponse> {
    let owner = s.owner.clone();
    let msg = ExecuteMsg::SetMarket {
        id: id.into(),
        config,
    };
    s.ch_exec(&owner, &msg, &[])
}

/// A BTC future expiring at `expiry`, margined like the BTC perp.
fn future(expiry: u64) -> MarketConfig {
    MarketConfig {
        instrument: Instrument::Future { expiry },
        ..ballast_testing::perp_config("BTC", "0.05", "0.03")
    }
}

/// [`Suite::with_liquidation`] with a BTC future expiring `secs` from now and cross
/// accounts funded with (trader, whole USDC); returns the expiry.
fn with_future(s: &mut Suite, secs: u64, funded: &[(usize, u128)]) -> u64 {
    let expiry = s.now() + secs;
    set_market(s, "BTC-FUT", future(expiry)).unwrap();
    for &(t, amount) in funded {
        s.create_account(t, 0, AccountMode::Cross).unwrap();
        s.deposit(t, 0, amount * USDC, SETTLEMENT).unwrap();
    }
    expiry
}

fn max_price() -> SignedDecimal {
    SignedDecimal::from_atomics(i128::MAX / 1_000_000_000_000_000_000, 0).unwrap()
}

#[test]
fn adv_02_a_bid_pays_only_for_what_moves() {
    let mut s = Suite::levered();
    let btc = s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    let taken = s.lot(1).positions[0].size;
    s.refeed_btc(btc, 720); // factor 1: the price is the mark
    let before = ledger(&s);
    // A fraction that rounds to no whole lot (0.001 BTC) moves nothing and pays nothing,
    // however often it is repeated.
    for _ in 0..5 {
        let err = contract_err(s.bid(CAROL, 0, 1, "0.0001", max_price()));
        assert_eq!(err, ContractError::NothingMoves {});
    }
    assert_eq!(ledger(&s), before, "dust bids moved nothing");
    // A bid for 1.9 lots moves one lot and pays for one lot: the mark of 0.001 BTC.
    let fraction = Decimal::from_ratio(19u32, 10_000u32)
        .checked_div(Decimal::try_from(taken).unwrap())
        .unwrap();
    let alice_before = settlement(&s, ALICE);
    let r = s
        .bid(CAROL, 0, 1, &fraction.to_string(), max_price())
        .unwrap();
    let carol = s.positions(CAROL, 0);
    assert_eq!(carol[0].size, SignedDecimal::permille(1), "one lot moved");
    let payment: i128 = attribute(&r, "payment").parse().unwrap();
    let mark: SignedDecimal = attribute(&r, "mark_value").parse().unwrap();
    assert_eq!(
        mark,
        SignedDecimal::from_ratio(btc as i128 * 1_000, 1),
        "0.001 BTC at the index, in base units"
    );
    assert_eq!(
        payment,
        mark.to_int_ceil().i128(),
        "factor 1: the mark, rounded up"
    );
    assert_eq!(settlement(&s, ALICE), alice_before + payment);
    // The auction's history records what was paid.
    match &s.lot_history(1).last().unwrap().kind {
        ballast_types::liquidator::LotEventKind::Bid { paid, .. } => {
            assert_eq!(paid.to_int_floor().i128(), payment)
        }
        other => panic!("last event {other:?}"),
    }
    inv_conservation(&s);
}

#[test]
fn adv_03_an_expired_position_leaves_the_lot_and_no_bidder_pays_for_it() {
    let mut s = Suite::with_liquidation();
    let expiry = with_future(
        &mut s,
        1_800,
        &[(ALICE, 20_000), (BOB, 200_000), (CAROL, 300_000)],
    );
    trade(&mut s, (ALICE, BOB), "BTC-FUT", "2", "60000", 1).unwrap();
    let btc = s.crash_until(ALICE, 0, false);
    s.liquidate(ALICE, 0).unwrap();
    assert!(!s.lot(1).positions[0].size.is_zero());
    // Past expiry the crank settles the future in cash: Alice's balance takes the payoff.
    s.advance(expiry + 1 - s.now());
    s.refeed_btc(btc, 0);
    s.crank("BTC-FUT").unwrap();
    let alice = settlement(&s, ALICE);
    // The lot holds nothing any more, and is worth nothing.
    let lot = s.lot(1);
    assert!(lot.positions.iter().all(|p| p.size.is_zero()), "{lot:?}");
    let value = lot.value.unwrap();
    assert_eq!(
        (value.value, value.gross),
        (SignedDecimal::zero(), SignedDecimal::zero())
    );
    // A whole-lot bid closes it for nothing: the bidder pays nothing, receives nothing.
    let carol = settlement(&s, CAROL);
    let r = s.bid(CAROL, 0, 1, "1", max_price()).unwrap();
    assert_eq!(attribute(&r, "payment"), "0");
    assert_eq!(settlement(&s, CAROL), carol);
    assert!(s.positions(CAROL, 0).is_empty());
    assert!(!s.lot(1).open && !s.lot_status(1).active);
    assert_eq!(
        settlement(&s, ALICE),
        alice,
        "no bidder money reached Alice"
    );
    inv_conservation(&s);
}

#[test]
fn adv_05_fills_lie_inside_the_price_band() {
    let mut s = Suite::levered(); // BTC at 60,000; band 10 % of the index
    let before = ledger(&s);
    // Two colluding signers try to move value at 20 % over the index.
    let err = contract_err(trade(&mut s, (ALICE, BOB), "BTC-PERP", "0.1", "72000", 7));
    assert!(matches!(err, ContractError::OutsideBand { .. }), "{err:?}");
    let err = contract_err(trade(&mut s, (ALICE, BOB), "BTC-PERP", "0.1", "53999.9", 8));
    assert!(matches!(err, ContractError::OutsideBand { .. }), "{err:?}");
    assert_eq!(ledger(&s), before);
    // The band's edges are inside it.
    trade(&mut s, (ALICE, BOB), "BTC-PERP", "0.001", "66000", 9).unwrap();
    trade(&mut s, (BOB, ALICE), "BTC-PERP", "0.001", "54000", 10).unwrap();
    // An agent key is bound by the same band: it cannot trade its account's equity away.
    let agent = ballast_testing::trader_key("alice-agent");
    let agent_addr = ballast_testing::trader_address(&agent);
    let alice = s.traders[ALICE].clone();
    let msg = ExecuteMsg::SetAgent {
        sub_id: 0,
        agent: Some(agent_addr.to_string()),
    };
    s.ch_exec(&alice, &msg, &[]).unwrap();
    let order = s.order(ALICE, 0, "BTC-PERP", Sell, "0.5", "30000", 11);
    let by_agent = ballast_testing::sign_with(&agent, order);
    let buy = s.signed(
        CAROL,
        s.order(CAROL, 0, "BTC-PERP", Buy, "0.5", "30000", 11),
    );
    let err = contract_err(s.settle(by_agent, buy, "0.5", "30000"));
    assert!(matches!(err, ContractError::OutsideBand { .. }), "{err:?}");
    inv_conservation(&s);
}

#[test]
fn adv_07_a_position_that_expires_underwater_reaches_the_waterfall() {
    let mut s = Suite::with_liquidation();
    let expiry = with_future(&mut s, 3_600, &[(ALICE, 10_000), (BOB, 200_000)]);
    s.insure(CAROL, Tranche::Junior, 100_000 * USDC).unwrap();
    // Alice sells 2 BTC of the future near initial margin; BTC gaps up a third in the
    // expiry block (every feeder agrees), so no keeper ever saw her below maintenance.
    trade(&mut s, (BOB, ALICE), "BTC-FUT", "2", "60000", 1).unwrap();
    s.advance(expiry + 1 - s.now());
    s.refeed_btc(80_000, 0);
    let r = s.crank("BTC-FUT").unwrap();
    // The crank names her deficit; the keeper sends it down the waterfall.
    let named = attribute(&r, "deficit");
    let alice = s.traders[ALICE].to_string();
    assert!(named.starts_with(&format!("{alice}/0:")), "{named}");
    let deficit: u128 = named.rsplit(':').next().unwrap().parse().unwrap();
    let r = s.liquidate(ALICE, 0).unwrap();
    let covered: u128 = attribute(&r, "covered").parse().unwrap();
    let bad_debt: u128 = attribute(&r, "bad_debt").parse().unwrap();
    assert_eq!(covered + bad_debt, deficit);
    assert!(
        ballast_testing::attribute(&r, "keeper_tip").is_none(),
        "no tip for a deficit"
    );
    assert!(covered > 29_000 * USDC, "covered {covered}");
    assert_eq!(bad_debt, 0);
    assert_eq!(settlement(&s, ALICE), 0, "no negative balance is left");
    let losses = s.losses();
    assert_eq!(losses.covered_by_insurance.u128(), covered);
    assert_eq!(
        s.tranches()[0].assets.u128(),
        100_000 * USDC - covered,
        "junior paid it"
    );
    // Nothing more to do for it: not a lot, not a second cover.
    assert_eq!(
        contract_err(s.liquidate(ALICE, 0)),
        ContractError::NothingToLiquidate {}
    );
    // The winner takes its gain and the clearinghouse still holds every other balance.
    s.settle_account(BOB, 0).unwrap();
    let bob = settlement(&s, BOB) as u128;
    s.withdraw(BOB, 0, SETTLEMENT, bob).unwrap();
    inv_conservation(&s);
}

#[test]
fn adv_07_a_deficit_left_without_a_crank_goes_down_the_waterfall_on_liquidate() {
    let mut s = Suite::with_liquidation();
    let expiry = with_future(&mut s, 3_600, &[(ALICE, 10_000), (BOB, 200_000)]);
    trade(&mut s, (BOB, ALICE), "BTC-FUT", "2", "60000", 1).unwrap();
    s.advance(expiry + 1 - s.now());
    s.refeed_btc(80_000, 0);
    // Alice's own touch settles the expiry (the pool is empty): Liquidate records it.
    s.settle_account(ALICE, 0).unwrap();
    let deficit = -settlement(&s, ALICE);
    assert!(deficit > 29_000 * USDC as i128);
    let r = s.liquidate(ALICE, 0).unwrap();
    assert!(ballast_testing::has_action(&r, "seize_deficit"));
    assert!(ballast_testing::has_action(&r, "settle_deficit"));
    assert_eq!(attribute(&r, "bad_debt"), deficit.to_string());
    assert_eq!(s.losses().bad_debt.u128() as i128, deficit);
    // Recorded once: a second call is refused and pays no keeper.
    assert_eq!(
        contract_err(s.liquidate(ALICE, 0)),
        ContractError::NothingToLiquidate {}
    );
    // A deposit repays it first; nothing she owes afterwards is counted twice.
    s.deposit(ALICE, 0, deficit as u128 + USDC, SETTLEMENT)
        .unwrap();
    assert_eq!(settlement(&s, ALICE), USDC as i128);
    inv_conservation(&s);
}

#[test]
fn adv_08_a_lowered_collateral_cap_never_blocks_an_auction() {
    let mut s = Suite::levered();
    s.deposit_statom(ALICE, 0, 1_300_000_000).unwrap(); // 1,300 stATOM
    let btc = s.crash_until(ALICE, 0, true);
    s.refeed_btc(btc * 95 / 100, 30);
    s.liquidate(ALICE, 0).unwrap();
    assert_eq!(s.lot(1).collateral[0].amount.u128(), 1_300_000_000);
    // The owner lowers the cap below what is held.
    let owner = s.owner.clone();
    let statom = s.ch().statom.to_string();
    let mut config = ballast_testing::collateral_config(
        ballast_types::clearinghouse::AssetInfo::Cw20 { address: statom },
        "STATOM",
        "0.85",
    );
    config.cap = Uint128::new(500_000_000);
    let msg = ExecuteMsg::SetCollateral {
        id: "statom".into(),
        config,
    };
    s.ch_exec(&owner, &msg, &[]).unwrap();
    // A partial bid and then the rest move the stATOM between accounts: allowed.
    s.refeed_btc(btc * 95 / 100, 720);
    s.bid(CAROL, 0, 1, "0.5", max_price()).unwrap();
    s.bid(CAROL, 0, 1, "1", max_price()).unwrap();
    let carol = s.account(CAROL, 0).unwrap();
    assert_eq!(carol.collateral[0].amount.u128(), 1_300_000_000);
    assert!(!s.lot(1).open);
    // Deposits are what the cap refuses.
    let err = contract_err(s.deposit_statom(BOB, 0, 1));
    assert!(matches!(err, ContractError::CapExceeded { .. }), "{err:?}");
    inv_conservation(&s);
}

/// Down `step` % at a time until the account is below maintenance; returns the price.
fn crash_atom(s: &mut Suite, trader: usize, sub_id: u32) -> u64 {
    let mut atom = 10_000u64; // thousandths
    loop {
        atom = atom * 95 / 100;
        s.advance(30);
        let p = Decimal::from_ratio(atom, 1_000u64).to_string();
        s.feed(&[("BTC", "60000"), ("ATOM", p.as_str()), ("STATOM", "12")]);
        let r = s.margin(trader, sub_id).unwrap();
        if r.equity < r.maintenance_margin {
            return atom;
        }
    }
}

#[test]
fn adv_09_self_liquidating_dust_accounts_earns_dust() {
    let mut s = Suite::with_liquidation();
    s.insure(CAROL, Tranche::Junior, 1_000 * USDC).unwrap();
    s.create_account(BOB, 0, AccountMode::Cross).unwrap();
    s.deposit(BOB, 0, 1_000 * USDC, SETTLEMENT).unwrap();
    // Alice opens five accounts of one ATOM-PERP lot each (a cent of notional), funded at
    // little more than initial margin, long against Bob.
    for sub in 1..=5u32 {
        s.create_account(ALICE, sub, AccountMode::Cross).unwrap();
        s.deposit(ALICE, sub, 1_200, SETTLEMENT).unwrap();
        trade_sub(
            &mut s,
            (ALICE, sub),
            (BOB, 0),
            "ATOM-PERP",
            "0.001",
            "10",
            sub as u64,
        )
        .unwrap();
    }
    crash_atom(&mut s, ALICE, 1);
    // She liquidates each herself: the tip is capped by what each account can pay.
    let alice = s.traders[ALICE].clone();
    let before = s.balance(&alice, SETTLEMENT);
    let junior = s.tranches()[0].assets.u128();
    for sub in 1..=5u32 {
        let msg = ballast_types::liquidator::ExecuteMsg::Liquidate(AccountRef {
            owner: alice.to_string(),
            sub_id: sub,
        });
        let liquidator = s.waterfall().liquidator.clone();
        let r = cw_multi_test::Executor::execute_contract(
            &mut s.app,
            alice.clone(),
            liquidator,
            &msg,
            &[],
        )
        .unwrap();
        let tip: u128 = attribute(&r, "keeper_tip").parse().unwrap();
        let equity: SignedDecimal = attribute(&r, "equity").parse().unwrap();
        let gross: SignedDecimal = attribute(&r, "lot_gross").parse().unwrap();
        // At most what the account can pay: its equity, or the 1 % penalty on the lot.
        let cap = equity.max(gross * SignedDecimal::percent(1)).to_int_ceil();
        assert!(tip as i128 <= cap.i128(), "tip {tip} above {cap}");
    }
    let gained = s.balance(&alice, SETTLEMENT) - before;
    assert!(
        gained <= 5 * 1_200,
        "tips {gained} ≤ what the accounts held"
    );
    // Bob buys each lot; the pool covers whatever holes are left: dust, not 5 USDC each.
    for lot in 1..=5u64 {
        s.bid(BOB, 0, lot, "1", max_price()).unwrap();
    }
    let drawn = junior - s.tranches()[0].assets.u128();
    assert!(drawn < 10_000, "the pool lost {drawn} base units");
    inv_conservation(&s);
}

#[test]
fn adv_10_dust_prints_cannot_pin_funding() {
    let mut s = Suite::levered();
    // A realistic weight: a trade of 100,000 USDC or more counts fully.
    let owner = s.owner.clone();
    let funding = FundingConfig {
        weight_notional: Uint128::new(100_000 * USDC),
        ..ballast_testing::funding_config()
    };
    s.ch_exec(&owner, &ExecuteMsg::SetFunding(funding), &[])
        .unwrap();
    let rate = |s: &Suite| -> SignedDecimal {
        let f: FundingResponse = s.market("BTC-PERP").funding.unwrap();
        f.rate
    };
    let before = rate(&s);
    // Twenty 0.001 BTC prints 1 % over the index between two colluding wallets.
    for n in 0..20u64 {
        let (b, sl) = if n % 2 == 0 {
            (ALICE, BOB)
        } else {
            (BOB, ALICE)
        };
        trade(&mut s, (b, sl), "BTC-PERP", "0.001", "60600", 100 + n).unwrap();
    }
    let moved = rate(&s) - before;
    // Each weighs 60.6 / 100,000 of the trade weight: the rate barely moves (the cap
    // is 0.1 %/h; unweighted it reached 0.0988 %).
    assert!(
        moved < SignedDecimal::from_ratio(1i128, 100_000i128),
        "rate moved {moved}"
    );
    // A trade of real size moves it as before.
    trade(&mut s, (CAROL, BOB), "BTC-PERP", "2", "60600", 200).unwrap();
    assert!(rate(&s) - before > SignedDecimal::from_ratio(1i128, 10_000i128));
    inv_conservation(&s);
}

#[test]
fn adv_11_a_lowered_oi_cap_refuses_only_trades_that_raise_it() {
    let mut s = Suite::levered(); // open interest 2 BTC
    let owner = s.owner.clone();
    let config = MarketConfig {
        oi_cap: Decimal::one(),
        ..ballast_testing::perp_config("BTC", "0.05", "0.03")
    };
    s.ch_exec(
        &owner,
        &ExecuteMsg::SetMarket {
            id: "BTC-PERP".into(),
            config,
        },
        &[],
    )
    .unwrap();
    // Alice sells 0.5 back to Bob: open interest 2 → 1.5, allowed.
    trade(&mut s, (BOB, ALICE), "BTC-PERP", "0.5", "60000", 2).unwrap();
    assert_eq!(s.market("BTC-PERP").open_interest, Decimal::percent(150));
    // Carol buying 0.1 from Bob raises it to 1.6: refused.
    let err = contract_err(trade(&mut s, (CAROL, BOB), "BTC-PERP", "0.1", "60000", 3));
    assert!(
        matches!(err, ContractError::OpenInterestCap { .. }),
        "{err:?}"
    );
    inv_conservation(&s);
}

#[test]
fn adv_12_a_lot_size_change_never_strands_a_position() {
    let mut s = Suite::levered(); // lot 0.001, Alice long 2
    trade(&mut s, (BOB, ALICE), "BTC-PERP", "0.005", "60000", 2).unwrap(); // 1.995
    let with_lot = |lot: &str| MarketConfig {
        lot_size: lot.parse().unwrap(),
        ..ballast_testing::perp_config("BTC", "0.05", "0.03")
    };
    // Raising it to 0.01 would leave 1.995 unclosable: refused while positions are open.
    let err = contract_err(set_market(&mut s, "BTC-PERP", with_lot("0.01")));
    assert!(
        matches!(err, ContractError::LotSizeChange { .. }),
        "{err:?}"
    );
    // A divisor of the old lot keeps every position whole: allowed.
    set_market(&mut s, "BTC-PERP", with_lot("0.0005")).unwrap();
    // Closing trades work; once nobody holds the market any lot size may be set.
    trade(&mut s, (BOB, ALICE), "BTC-PERP", "1.995", "60000", 3).unwrap();
    assert_eq!(s.market("BTC-PERP").open_interest, Decimal::zero());
    set_market(&mut s, "BTC-PERP", with_lot("0.01")).unwrap();
    inv_conservation(&s);
}

#[test]
fn adv_13_coins_on_messages_that_take_none_are_refused() {
    let mut s = Suite::levered();
    let alice = s.traders[ALICE].clone();
    let before = (ledger(&s), s.balance(&alice, SETTLEMENT));
    let paid = [coin(1_000, SETTLEMENT)];
    for msg in [
        ExecuteMsg::Withdraw {
            sub_id: 0,
            collateral: SETTLEMENT.into(),
            amount: Uint128::new(1),
        },
        ExecuteMsg::SetMinNonce {
            sub_id: 0,
            min_nonce: 5,
        },
        ExecuteMsg::Crank {
            market: "BTC-PERP".into(),
            limit: None,
        },
        ExecuteMsg::CreateAccount(ballast_types::clearinghouse::AccountSetup {
            sub_id: 9,
            mode: AccountMode::Cross,
        }),
    ] {
        let err = contract_err(s.ch_exec(&alice, &msg, &paid));
        assert!(matches!(err, ContractError::Payment(_)), "{msg:?}: {err:?}");
    }
    assert_eq!((ledger(&s), s.balance(&alice, SETTLEMENT)), before);
    // Deposits still take coins.
    let msg = ExecuteMsg::Deposit(SubAccount { sub_id: 0 });
    s.ch_exec(&alice, &msg, &paid).unwrap();
    inv_conservation(&s);
}

#[test]
fn adv_14_a_native_denom_spelled_like_a_cw20_address_is_not_that_collateral() {
    let mut s = Suite::levered();
    let alice = s.traders[ALICE].clone();
    let lookalike = s.ch().statom.to_string();
    s.app
        .sudo(SudoMsg::Bank(BankSudo::Mint {
            to_address: alice.to_string(),
            amount: vec![coin(500_000_000, &lookalike)],
        }))
        .unwrap();
    let before = ledger(&s);
    let msg = ExecuteMsg::Deposit(SubAccount { sub_id: 0 });
    let err = contract_err(s.ch_exec(&alice, &msg, &[coin(500_000_000, &lookalike)]));
    assert_eq!(err, ContractError::UnlistedDenom { denom: lookalike });
    assert_eq!(ledger(&s), before);
    inv_conservation(&s);
}

#[test]
fn adv_16_an_order_is_refused_at_its_expiry() {
    let mut s = Suite::levered();
    let mut sell = s.order(BOB, 0, "BTC-PERP", Sell, "0.1", "60000", 5);
    let mut buy = s.order(ALICE, 0, "BTC-PERP", Buy, "0.1", "60000", 5);
    sell.expiry = s.now();
    buy.expiry = s.now() + 60;
    let (sell, buy) = (s.signed(BOB, sell), s.signed(ALICE, buy));
    let err = contract_err(s.settle(sell, buy, "0.1", "60000"));
    assert!(matches!(err, ContractError::OrderExpired { .. }), "{err:?}");
}

#[test]
fn adv_01_an_account_holds_at_most_max_positions_and_still_liquidates() {
    use ballast_clearinghouse::state::MAX_POSITIONS;
    let mut s = Suite::with_liquidation();
    for (t, amount) in [(ALICE, 5_000u128), (BOB, 500_000)] {
        s.create_account(t, 0, AccountMode::Cross).unwrap();
        s.deposit(t, 0, amount * USDC, SETTLEMENT).unwrap();
    }
    s.insure(CAROL, Tranche::Junior, 100_000 * USDC).unwrap();
    // Markets 2..=MAX_POSITIONS on BTC beside the two perps; one more beyond the cap.
    for m in 2..=MAX_POSITIONS {
        let config = ballast_testing::perp_config("BTC", "0.05", "0.03");
        set_market(&mut s, &format!("BTC-PERP-{m}"), config).unwrap();
    }
    let market = |m: usize| match m {
        0 => "BTC-PERP".to_string(),
        1 => "ATOM-PERP".to_string(),
        m => format!("BTC-PERP-{m}"),
    };
    for m in 0..MAX_POSITIONS {
        let (size, price) = if m == 1 {
            ("1", "10")
        } else {
            ("0.02", "60000")
        };
        trade(&mut s, (ALICE, BOB), &market(m), size, price, m as u64).unwrap();
    }
    assert_eq!(s.positions(ALICE, 0).len(), MAX_POSITIONS);
    let config = ballast_testing::perp_config("BTC", "0.05", "0.03");
    set_market(&mut s, "BTC-PERP-X", config).unwrap();
    let err = contract_err(trade(
        &mut s,
        (ALICE, BOB),
        "BTC-PERP-X",
        "0.001",
        "60000",
        99,
    ));
    // Bob, the other side of every trade, is at the cap too (the maker is checked first).
    assert_eq!(
        err,
        ContractError::TooManyPositions {
            owner: s.traders[BOB].to_string(),
            sub_id: 0,
            max: MAX_POSITIONS,
        }
    );
    // A crash: the account at the cap is liquidated in one call (the real-VM bench
    // measures its gas: bench/gas.json, liquidate_at_cap).
    let btc = s.crash_until(ALICE, 0, false);
    let r = s.liquidate(ALICE, 0).unwrap();
    assert_eq!(attribute(&r, "lot"), "1");
    s.refeed_btc(btc, 720);
    s.bid(BOB, 0, 1, "1", max_price()).unwrap();
    assert!(!s.lot(1).open);
    inv_conservation(&s);
}
