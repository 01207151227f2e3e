//! Signed-order settlement: a full flow with real secp256k1 signatures, and every bad input
//! of RELIABILITY.md 1–14 refused with its error and no state change.

use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::clearinghouse::{
    AccountMode, AccountResponse, ExecuteMsg, OrderStatus, PositionResponse, SignedOrder,
};
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::{Int128, SignedDecimal, Uint128};

use crate::{contract_err, inv_conservation, ledger};
use ballast_clearinghouse::error::ContractError;

const ALICE: usize = 0;
const BOB: usize = 1;

/// Alice (portfolio) and Bob (cross) with 100,000 USDC each; Alice also has sub-account 1.
fn traders() -> Suite {
    let mut s = Suite::full();
    s.create_account(ALICE, 0, AccountMode::Portfolio).unwrap();
    s.create_account(ALICE, 1, AccountMode::Cross).unwrap();
    s.create_account(BOB, 0, AccountMode::Cross).unwrap();
    s.deposit(ALICE, 0, 100_000_000_000, SETTLEMENT).unwrap();
    s.deposit(BOB, 0, 100_000_000_000, SETTLEMENT).unwrap();
    s
}

fn positions(s: &Suite, t: usize, sub_id: u32) -> Vec<PositionResponse> {
    s.positions(t, sub_id)
}

/// Everything a refused call must leave as it was.
fn snapshot(
    s: &Suite,
) -> (
    Vec<AccountResponse>,
    Vec<PositionResponse>,
    Vec<PositionResponse>,
    Uint128,
) {
    (
        ledger(s),
        positions(s, ALICE, 0),
        positions(s, BOB, 0),
        s.ledger_totals().fees,
    )
}

/// Bob's resting sell and Alice's buy of `size` BTC at `limit`.
fn pair(s: &Suite, size: &str, limit: &str) -> (SignedOrder, SignedOrder) {
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Sell, size, limit, 1));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-PERP", Buy, size, limit, 1));
    (maker, taker)
}

fn usdc(units: i128) -> SignedDecimal {
    SignedDecimal::from_atomics(units, 0).unwrap()
}

#[test]
fn full_trading_flow_positions_fees_and_equity() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    s.settle(maker, taker, "1", "60000").unwrap();
    inv_conservation(&s);
    let (a, b) = (positions(&s, ALICE, 0), positions(&s, BOB, 0));
    assert_eq!(
        (a[0].size, b[0].size),
        (SignedDecimal::one(), -SignedDecimal::one())
    );
    assert_eq!(a[0].entry_price, usdc(60_000_000_000));
    // Alice paid 60,000 USDC and a 0.05 % taker fee (30 USDC); Bob received it minus 0.02 %.
    assert_eq!(
        s.account(ALICE, 0).unwrap().settlement,
        Int128::new(100_000_000_000 - 60_000_000_000 - 30_000_000)
    );
    assert_eq!(
        s.account(BOB, 0).unwrap().settlement,
        Int128::new(100_000_000_000 + 60_000_000_000 - 12_000_000)
    );
    let fees = s.ledger_totals().fees;
    assert_eq!(fees, Uint128::new(42_000_000));
    // Equity is deposits minus fees at the entry price; a 10 % rally moves 6,000 USDC.
    assert_eq!(s.margin(ALICE, 0).unwrap().equity, usdc(99_970_000_000));
    s.advance(10);
    s.feed(&[("BTC", "66000"), ("ATOM", "10"), ("STATOM", "12")]);
    let (ra, rb) = (s.margin(ALICE, 0).unwrap(), s.margin(BOB, 0).unwrap());
    assert_eq!(ra.equity, usdc(105_970_000_000));
    assert_eq!(rb.equity, usdc(93_988_000_000));
    assert!(
        ra.health.unwrap() > SignedDecimal::one() && rb.maintenance_margin > SignedDecimal::zero()
    );
    // Closing half at the new price: Alice sells 0.5 to Bob; entries stay, sizes halve.
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Buy, "0.5", "66000", 2));
    let taker = s.signed(
        ALICE,
        s.order(ALICE, 0, "BTC-PERP", Sell, "0.5", "66000", 2),
    );
    s.settle(maker, taker, "0.5", "66000").unwrap();
    inv_conservation(&s);
    let a = positions(&s, ALICE, 0);
    assert_eq!(
        (a[0].size, a[0].entry_price),
        (SignedDecimal::percent(50), usdc(60_000_000_000))
    );
    let status: OrderStatus = s
        .views_query(&ballast_types::views::QueryMsg::OrderStatus(
            s.order(ALICE, 0, "BTC-PERP", Sell, "0.5", "66000", 2),
        ))
        .unwrap();
    assert_eq!(
        status.filled,
        "0.5".parse::<cosmwasm_std::Decimal>().unwrap()
    );
}

/// Runs a refused settlement and checks the error and that nothing changed.
fn refused(
    s: &mut Suite,
    maker: SignedOrder,
    taker: SignedOrder,
    size: &str,
    price: &str,
) -> ContractError {
    let before = snapshot(s);
    let err = contract_err(s.settle(maker, taker, size, price));
    assert_eq!(snapshot(s), before, "state changed on {err:?}");
    inv_conservation(s);
    err
}

#[test]
fn bad_01_forged_signature() {
    let mut s = traders();
    let (maker, mut taker) = pair(&s, "1", "60000");
    let mut sig = taker.signature.to_vec();
    sig[10] ^= 1;
    taker.signature = sig.into();
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::Order(_)
    ));
    // A signed order whose content was changed afterwards (a larger size).
    let (maker, mut taker) = pair(&s, "1", "60000");
    taker.order.size = "2".parse().unwrap();
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::Order(_)
    ));
}

#[test]
fn bad_02_signature_by_a_key_that_is_not_the_owners() {
    let mut s = traders();
    let (maker, _) = pair(&s, "1", "60000");
    // Bob signs an order in Alice's name with his own key.
    let forged = ballast_testing::sign_with(
        &s.keys[BOB],
        s.order(ALICE, 0, "BTC-PERP", Buy, "1", "60000", 1),
    );
    let err = refused(&mut s, maker, forged, "1", "60000");
    assert!(
        matches!(
            err,
            ContractError::Order(ballast_types::order::OrderError::SignerMismatch { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn bad_03_order_replayed_on_another_chain_id() {
    let mut s = traders();
    let (maker, _) = pair(&s, "1", "60000");
    let mut o = s.order(ALICE, 0, "BTC-PERP", Buy, "1", "60000", 1);
    o.chain_id = "osmosis-1".into();
    let taker = s.signed(ALICE, o);
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::WrongChain { .. }
    ));
}

#[test]
fn bad_04_order_replayed_on_another_contract() {
    let mut s = traders();
    let (maker, _) = pair(&s, "1", "60000");
    let mut o = s.order(ALICE, 0, "BTC-PERP", Buy, "1", "60000", 1);
    o.contract = s.oracle.to_string();
    let taker = s.signed(ALICE, o);
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::WrongContract { .. }
    ));
}

#[test]
fn bad_05_expired_order() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    s.advance(3600);
    s.feed(&[("BTC", "60000"), ("ATOM", "10"), ("STATOM", "12")]);
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::OrderExpired { .. }
    ));
}

#[test]
fn bad_06_overfill_and_inv_exactly_once() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    assert!(matches!(
        refused(&mut s, maker.clone(), taker.clone(), "1.5", "60000"),
        ContractError::Overfill { .. }
    ));
    s.settle(maker.clone(), taker.clone(), "1", "60000")
        .unwrap();
    // The same match submitted again changes nothing.
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::Overfill { .. }
    ));
}

#[test]
fn bad_07_non_crossing_prices() {
    let mut s = traders();
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Sell, "1", "60100", 1));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-PERP", Buy, "1", "60000", 1));
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::NotCrossing { .. }
    ));
    let (maker, taker) = pair(&s, "1", "60000");
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000.5"),
        ContractError::NotCrossing { .. }
    ));
}

#[test]
fn bad_08_price_off_tick() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60001");
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000.05"),
        ContractError::OffTick { .. }
    ));
}

#[test]
fn bad_09_size_off_lot() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    assert!(matches!(
        refused(&mut s, maker, taker, "0.0005", "60000"),
        ContractError::OffLot { .. }
    ));
}

#[test]
fn bad_10_self_trade() {
    let mut s = traders();
    s.deposit(ALICE, 1, 100_000_000_000, SETTLEMENT).unwrap();
    let maker = s.signed(ALICE, s.order(ALICE, 1, "BTC-PERP", Sell, "1", "60000", 1));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-PERP", Buy, "1", "60000", 1));
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "60000"),
        ContractError::SelfTrade { .. }
    ));
}

#[test]
fn bad_11_cancelled_order_or_nonce_below_the_minimum() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    let alice = s.traders[ALICE].clone();
    // Only the owner may cancel.
    let bob = s.traders[BOB].clone();
    let cancel = ExecuteMsg::CancelOrder(taker.order.clone());
    assert_eq!(
        contract_err(s.ch_exec(&bob, &cancel, &[])),
        ContractError::Unauthorized {}
    );
    s.ch_exec(&alice, &cancel, &[]).unwrap();
    assert!(matches!(
        refused(&mut s, maker.clone(), taker, "1", "60000"),
        ContractError::OrderCancelled { .. }
    ));
    let fresh = s.signed(ALICE, s.order(ALICE, 0, "BTC-PERP", Buy, "1", "60000", 5));
    s.ch_exec(
        &alice,
        &ExecuteMsg::SetMinNonce {
            sub_id: 0,
            min_nonce: 6,
        },
        &[],
    )
    .unwrap();
    assert!(matches!(
        refused(&mut s, maker, fresh, "1", "60000"),
        ContractError::NonceTooLow { .. }
    ));
    assert!(matches!(
        contract_err(s.ch_exec(
            &alice,
            &ExecuteMsg::SetMinNonce {
                sub_id: 0,
                min_nonce: 6
            },
            &[]
        )),
        ContractError::NonceNotRaised { .. }
    ));
}

#[test]
fn bad_12_unknown_market() {
    let mut s = traders();
    let maker = s.signed(BOB, s.order(BOB, 0, "DOGE-PERP", Sell, "1", "1", 1));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "DOGE-PERP", Buy, "1", "1", 1));
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "1"),
        ContractError::NotListed { .. }
    ));
}

#[test]
fn bad_13_trade_that_leaves_an_account_below_initial_margin() {
    let mut s = traders();
    s.create_account(ALICE, 2, AccountMode::Cross).unwrap();
    s.deposit(ALICE, 2, 1_000_000_000, SETTLEMENT).unwrap();
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Sell, "1", "60000", 1));
    let taker = s.signed(ALICE, s.order(ALICE, 2, "BTC-PERP", Buy, "1", "60000", 1));
    let before = snapshot(&s);
    let err = s.settle(maker, taker, "1", "60000").unwrap_err();
    assert!(
        format!("{err:?}").contains("below initial margin"),
        "{err:?}"
    );
    assert_eq!(snapshot(&s), before);
    inv_conservation(&s);
}

#[test]
fn bad_14_zero_size_or_price() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    assert_eq!(
        refused(&mut s, maker.clone(), taker.clone(), "0", "60000"),
        ContractError::ZeroSizeOrPrice {}
    );
    let (maker0, taker0) = pair(&s, "1", "0");
    assert_eq!(
        refused(&mut s, maker0, taker0, "1", "0"),
        ContractError::ZeroSizeOrPrice {}
    );
    let _ = (maker, taker);
}

#[test]
fn bad_19_withdrawal_that_breaks_initial_margin() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    s.settle(maker, taker, "1", "60000").unwrap();
    // Bob is short 1 BTC: his settlement holds the 60,000 USDC he sold for, but his equity
    // is about 100,000 − 60,000 of position value. Taking 99,000 out would leave ~1,000,
    // below his initial margin; taking 90,000 leaves ~10,000, above it.
    let im = s.margin(BOB, 0).unwrap().initial_margin;
    assert!(
        im > usdc(1_000_000_000) && im < usdc(9_000_000_000),
        "IM {im}"
    );
    let before = snapshot(&s);
    let err = s.withdraw(BOB, 0, SETTLEMENT, 99_000_000_000).unwrap_err();
    assert!(
        format!("{err:?}").contains("below initial margin"),
        "{err:?}"
    );
    assert_eq!(snapshot(&s), before);
    inv_conservation(&s);
    s.withdraw(BOB, 0, SETTLEMENT, 90_000_000_000).unwrap();
    inv_conservation(&s);
    let r = s.margin(BOB, 0).unwrap();
    assert!(
        r.equity >= r.initial_margin,
        "I2: no withdrawal leaves an account below IM"
    );
}

#[test]
fn open_interest_cap_holds() {
    let mut s = traders();
    let owner = s.owner.clone();
    let mut m = ballast_testing::perp_config("BTC", "0.05", "0.03");
    m.oi_cap = "0.5".parse().unwrap();
    s.ch_exec(
        &owner,
        &ExecuteMsg::SetMarket {
            id: "BTC-PERP".into(),
            config: m,
        },
        &[],
    )
    .unwrap();
    let (maker, taker) = pair(&s, "1", "60000");
    assert!(matches!(
        refused(&mut s, maker.clone(), taker.clone(), "1", "60000"),
        ContractError::OpenInterestCap { .. }
    ));
    s.settle(maker, taker, "0.5", "60000").unwrap();
    inv_conservation(&s);
}

#[test]
fn bad_24_unconfirmed_jump_halts_what_depends_on_the_price() {
    let mut s = traders();
    let (maker, taker) = pair(&s, "1", "60000");
    s.settle(maker, taker, "1", "60000").unwrap();
    // Two of three feeders report BTC 30 % lower: held as a jump, not served.
    s.advance(5);
    s.push(0, "BTC", "42000").unwrap();
    s.push(1, "BTC", "42000").unwrap();
    let before = snapshot(&s);
    let err = s.withdraw(BOB, 0, SETTLEMENT, 1_000_000).unwrap_err();
    assert!(
        format!("{err:?}").contains("held until confirmed"),
        "{err:?}"
    );
    assert!(
        s.margin(ALICE, 0).is_err(),
        "no margin report on an unconfirmed price"
    );
    let (maker, taker) = (
        s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Sell, "0.1", "60000", 7)),
        s.signed(ALICE, s.order(ALICE, 0, "BTC-PERP", Buy, "0.1", "60000", 7)),
    );
    assert!(
        s.settle(maker, taker, "0.1", "60000").is_err(),
        "no new exposure on an unconfirmed price"
    );
    assert_eq!(snapshot(&s), before);
    inv_conservation(&s);
}

#[test]
fn bad_27_option_past_expiry_is_not_marked_as_live() {
    let mut s = traders();
    let owner = s.owner.clone();
    let mut call = ballast_testing::perp_config("BTC", "0.05", "0.03");
    call.instrument = ballast_risk::model::Instrument::Option {
        expiry: s.now() + 600,
        strike: SignedDecimal::from_atomics(66_000i128, 0).unwrap(),
        kind: ballast_risk::model::OptionKind::Call,
    };
    s.ch_exec(
        &owner,
        &ExecuteMsg::SetMarket {
            id: "BTC-66000-C".into(),
            config: call,
        },
        &[],
    )
    .unwrap();
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-66000-C", Sell, "1", "100", 1));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-66000-C", Buy, "1", "100", 1));
    s.settle(maker, taker, "1", "100").unwrap();
    // Strike 66,000 USDC, 10 minutes out, spot 60,000: nearly worthless; Alice paid 100.
    let r = s.margin(ALICE, 0).unwrap();
    assert!(
        r.equity < usdc(99_900_000_000) && r.equity > usdc(99_800_000_000),
        "{}",
        r.equity
    );
    // Past expiry the option is no longer marked by Black-76 with time value: it is worth
    // its payoff at the settlement price (nothing, out of the money), and the market no
    // longer trades. Alice paid 100 + 0.05 fee; Bob received 100 − 0.02.
    s.advance(601);
    s.feed(&[("BTC", "60000"), ("ATOM", "10"), ("STATOM", "12")]);
    let (ra, rb) = (s.margin(ALICE, 0).unwrap(), s.margin(BOB, 0).unwrap());
    assert_eq!(ra.equity, usdc(99_899_950_000));
    assert_eq!(rb.equity, usdc(100_099_980_000));
    assert_eq!((ra.initial_margin, rb.initial_margin), (usdc(0), usdc(0)));
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-66000-C", Sell, "1", "100", 2));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-66000-C", Buy, "1", "100", 2));
    assert!(matches!(
        refused(&mut s, maker, taker, "1", "100"),
        ContractError::MarketExpired { .. }
    ));
}
