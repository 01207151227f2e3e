//! The trading demo on an embedded in-process chain (cw-multi-test): deploy the oracle, a
//! cw20 staked-ATOM token and the clearinghouse; feeders post prices; two traders deposit
//! and sign orders with their own secp256k1 keys (ADR-36, as Keplr signs); a third party
//! settles the match; prices move; a withdrawal that would break initial margin is refused;
//! a trade over the index sets a funding premium and hourly cranks move funding from longs
//! to shorts; a future expires and settles at the oracle price; then the loss waterfall: a
//! crash, liquidations, Dutch auctions, the insurance pool covering deficits, the fee sweep,
//! and the pool as backstop bidder at the floor unwound by its agent key. Every step prints
//! the accounts' margin reports.
//!
//! `cargo run --release -p ballast-testing --example trading_demo`

use ballast_risk::model::Instrument;
use ballast_risk::model::MarginReport;
use ballast_testing::perp_config;
use ballast_testing::{attribute, Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountMode, ExecuteMsg};
use ballast_types::insurance::Tranche;
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::SignedDecimal;

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

/// Settlement base units (uusdc) as USDC, for display.
fn usd(x: SignedDecimal) -> String {
    let v: f64 = x.to_string().parse().unwrap_or(f64::NAN);
    format!("{:>12.2}", v / 1e6)
}

fn show(who: &str, r: &MarginReport) {
    let health = r
        .health
        .map(|h| format!("{:.2}", h.to_string().parse::<f64>().unwrap_or(0.0)))
        .unwrap_or("-".into());
    let eff = r
        .capital_efficiency
        .map(|e| format!("{:.2}", e.to_string().parse::<f64>().unwrap_or(0.0)))
        .unwrap_or("-".into());
    println!(
        "  {who:<16} equity {} IM {} MM {} health {health:>7} efficiency {eff:>5}",
        usd(r.equity),
        usd(r.initial_margin),
        usd(r.maintenance_margin)
    );
}

fn reports(s: &Suite, step: &str) {
    println!("{step}");
    show(
        "alice (portfolio)",
        &s.margin(ALICE, 0).expect("alice margin"),
    );
    show("bob (cross)", &s.margin(BOB, 0).expect("bob margin"));
}

fn main() {
    let mut s = Suite::with_liquidation();
    println!(
        "deployed: oracle {}, clearinghouse {}, stATOM {}",
        s.oracle,
        s.ch().clearinghouse,
        s.ch().statom
    );
    println!("feeders posted BTC $60,000, ATOM $10, stATOM $12 (3 feeders, median, quorum 2)\n");

    s.create_account(ALICE, 0, AccountMode::Portfolio)
        .expect("account");
    s.create_account(BOB, 0, AccountMode::Cross)
        .expect("account");
    s.deposit(ALICE, 0, 20_000_000_000, SETTLEMENT)
        .expect("deposit");
    s.deposit_statom(ALICE, 0, 1_000_000_000)
        .expect("deposit stATOM");
    s.deposit(BOB, 0, 30_000_000_000, SETTLEMENT)
        .expect("deposit");
    reports(
        &s,
        "1. alice deposits 20,000 USDC + 1,000 stATOM (cw20), bob 30,000 USDC",
    );

    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Sell, "2", "60000", 1));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-PERP", Buy, "2", "60100", 1));
    let r = s.settle(maker, taker, "2", "60000").expect("settle");
    let fees = r
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key.ends_with("_fee"))
        .map(|a| format!("{}={}", a.key, a.value))
        .collect::<Vec<_>>();
    reports(
        &s,
        &format!(
            "\n2. a matcher settles bob's signed sell and alice's signed buy: 2 BTC at 60,000 ({})",
            fees.join(", ")
        ),
    );

    // Short ATOM perp against the stATOM collateral: a basis trade inside alice's portfolio.
    let maker = s.signed(BOB, s.order(BOB, 0, "ATOM-PERP", Buy, "1000", "10", 2));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "ATOM-PERP", Sell, "1000", "10", 2));
    s.settle(maker, taker, "1000", "10").expect("settle ATOM");
    reports(
        &s,
        "\n3. alice hedges her stATOM with a short of 1,000 ATOM-PERP (portfolio margin nets them)",
    );

    s.advance(30);
    s.feed(&[("BTC", "56000"), ("ATOM", "9.5"), ("STATOM", "11.4")]);
    reports(
        &s,
        "\n4. BTC falls 6.7 %, ATOM 5 %: alice loses on BTC, her ATOM basis trade is flat",
    );

    let bob = s.margin(BOB, 0).expect("bob");
    let too_much = (bob.equity.to_string().parse::<f64>().unwrap_or(0.0)) as u128;
    let err = s
        .withdraw(BOB, 0, SETTLEMENT, too_much)
        .expect_err("over-withdrawal");
    println!(
        "\n5. bob tries to withdraw all his equity ({} USDC): refused",
        too_much / 1_000_000
    );
    println!("   {}", err.root_cause());
    let ok = 10_000_000_000u128;
    s.withdraw(BOB, 0, SETTLEMENT, ok).expect("withdraw");
    reports(
        &s,
        &format!(
            "   bob withdraws {} USDC instead: allowed (stays above IM)",
            ok / 1_000_000
        ),
    );

    // A dated future, expiring in 9 hours: alice sells it to bob against her perp long.
    let expiry = s.now() + 9 * 3600;
    let owner = s.owner.clone();
    let mut future = perp_config("BTC", "0.05", "0.03");
    future.instrument = Instrument::Future { expiry };
    let list = ExecuteMsg::SetMarket {
        id: "BTC-FUT".into(),
        config: future,
    };
    s.ch_exec(&owner, &list, &[]).expect("list future");
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-FUT", Buy, "1", "56200", 3));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-FUT", Sell, "1", "56200", 3));
    s.settle(maker, taker, "1", "56200").expect("settle future");
    // A buy 0.5 % over the index: the premium average moves, funding turns positive.
    let maker = s.signed(BOB, s.order(BOB, 0, "BTC-PERP", Sell, "0.2", "56300", 4));
    let taker = s.signed(ALICE, s.order(ALICE, 0, "BTC-PERP", Buy, "0.2", "56300", 4));
    s.settle(maker, taker, "0.2", "56300")
        .expect("settle premium");
    reports(
        &s,
        "\n6. alice sells bob 1 BTC-FUT (expires in 9 h) at 56,200, and buys 0.2 BTC-PERP at 56,300, 0.5 % over the index",
    );

    println!("\n7. ten hours pass; feeders post every hour and a keeper cranks the perp");
    println!("   hour  BTC     rate/h      cumulative   alice pending   bob pending");
    let mut btc = 56_000u32;
    for hour in 1..=10 {
        s.advance(3600);
        btc += 100;
        let p = btc.to_string();
        s.feed(&[("BTC", p.as_str()), ("ATOM", "9.5"), ("STATOM", "11.4")]);
        s.crank("BTC-PERP").expect("crank perp");
        let f = s.market("BTC-PERP").funding.expect("a perp has funding");
        let pending = |t: usize| -> f64 {
            s.positions(t, 0)
                .iter()
                .map(|p| p.pending.i128() as f64 / 1e6)
                .sum()
        };
        println!(
            "   {hour:>4}  {btc}  {:>9.5} %  {:>10.2}   {:>12.2}   {:>11.2}",
            f.rate.to_string().parse::<f64>().unwrap_or(0.0) * 100.0,
            f.cumulative.to_string().parse::<f64>().unwrap_or(0.0) / 1e6,
            pending(ALICE),
            pending(BOB)
        );
        if hour == 9 {
            let r = s.crank("BTC-FUT").expect("crank future");
            let get = |k: &str| attribute(&r, k).unwrap_or_default();
            println!(
                "         BTC-FUT expired: the crank settled its {} holders at {}",
                get("settled"),
                get("settlement_price")
            );
        }
    }
    // A keeper settles both accounts: funding moves into their balances, equity unchanged.
    let before = (
        s.account(ALICE, 0).expect("a").settlement,
        s.account(BOB, 0).expect("b").settlement,
    );
    s.settle_account(ALICE, 0).expect("settle alice");
    s.settle_account(BOB, 0).expect("settle bob");
    let after = (
        s.account(ALICE, 0).expect("a").settlement,
        s.account(BOB, 0).expect("b").settlement,
    );
    reports(
        &s,
        &format!(
            "\n8. a keeper settles both accounts: alice's balance moves by {:.2} USDC, bob's by {:.2}",
            (after.0.i128() - before.0.i128()) as f64 / 1e6,
            (after.1.i128() - before.1.i128()) as f64 / 1e6
        ),
    );

    // The loss waterfall: insurance depositors, a crash, liquidations, auctions, covers.
    s.insure(BOB, Tranche::Junior, 5_000_000_000)
        .expect("junior");
    s.insure(CAROL, Tranche::Senior, 50_000_000_000)
        .expect("senior");
    s.create_account(CAROL, 0, AccountMode::Cross)
        .expect("carol");
    s.deposit(CAROL, 0, 500_000_000_000, SETTLEMENT)
        .expect("carol deposit");
    let navs = |s: &Suite| -> String {
        let t = s.tranches();
        format!(
            "junior {:.2} USDC ({} per share), senior {:.2} USDC ({} per share)",
            t[0].assets.u128() as f64 / 1e6,
            t[0].share_price,
            t[1].assets.u128() as f64 / 1e6,
            t[1].share_price
        )
    };
    println!(
        "\n9. insurance: bob deposits 5,000 USDC in the junior tranche, carol 50,000 in the senior; carol opens a 500,000 USDC bidding account\n   pool: {}",
        navs(&s)
    );
    s.advance(30);
    s.feed(&[("BTC", "40000"), ("ATOM", "9.5"), ("STATOM", "11.4")]);
    reports(&s, "\n10. crash: BTC falls 30 % in one oracle update (all three feeders agree, so the jump is accepted at once)");

    let keeper = s.waterfall().keeper.clone();
    let mut lots = vec![];
    for (t, name) in [(ALICE, "alice"), (BOB, "bob")] {
        let r = s.margin(t, 0).expect("margin");
        if r.equity >= r.maintenance_margin {
            continue;
        }
        let res = s.liquidate(t, 0).expect("liquidate");
        let attr = |k: &str| attribute(&res, k).unwrap_or_default();
        let lot: u64 = attr("lot").parse().expect("lot id");
        let l = s.lot(lot);
        let parts: Vec<String> = l
            .positions
            .iter()
            .map(|p| format!("{} {}", p.size, p.market))
            .chain(
                l.collateral
                    .iter()
                    .map(|c| format!("{} {}", c.amount, c.collateral)),
            )
            .collect();
        println!(
            "   keeper liquidates {name} (equity {} < MM {}): lot {lot} = [{}], penalty {:.2} USDC, keeper tip {:.2} USDC, debt {:.2} USDC",
            usd(r.equity).trim(),
            usd(r.maintenance_margin).trim(),
            parts.join(", "),
            attr("penalty").parse::<f64>().unwrap_or(0.0) / 1e6,
            attr("keeper_tip").parse::<f64>().unwrap_or(0.0) / 1e6,
            l.debt.u128() as f64 / 1e6
        );
        lots.push(lot);
    }
    println!(
        "   keeper's balance: {:.2} USDC",
        s.balance(&keeper, SETTLEMENT) as f64 / 1e6
    );

    // Nobody bids at the start (5 % over the mark); half an hour later the price is 7.5 %
    // under it and carol takes every lot.
    s.advance(1800);
    s.feed(&[("BTC", "40000"), ("ATOM", "9.5"), ("STATOM", "11.4")]);
    println!("\n11. Dutch auctions, 30 minutes in (linear curve 1.05 -> 0.80 of the mark over one hour):");
    for lot in &lots {
        let st = s.lot_status(*lot);
        let valued = s.lot(*lot).value.expect("valued");
        let (value, gross) = (valued.value, valued.gross);
        let price = st.price.expect("priced");
        s.bid(CAROL, 0, *lot, "1", price).expect("bid");
        println!(
            "   lot {lot}: mark value {} USDC (gross {}), factor {}: carol pays value − (1 − factor) × gross = {} USDC",
            usd(value).trim(),
            usd(gross).trim(),
            st.factor,
            usd(price).trim()
        );
    }
    reports(&s, "   after the auctions:");
    show("carol (cross)", &s.margin(CAROL, 0).expect("carol"));
    println!("   pool after covering deficits: {}", navs(&s));

    let sweep = ballast_types::clearinghouse::ExecuteMsg::SweepFees(cosmwasm_std::Empty {});
    let r = s.ch_exec(&keeper, &sweep, &[]).expect("sweep");
    let swept = attribute(&r, "amount")
        .map(|a| a.parse::<f64>().unwrap_or(0.0) / 1e6)
        .unwrap_or(0.0);
    println!(
        "\n12. a keeper sweeps the pool's half of all fees and penalties: {swept:.2} USDC, split by tranche assets with the junior tilt (the wiped junior earns nothing)\n   pool: {}",
        navs(&s)
    );

    // 13. The pool as backstop bidder at the floor.
    s.insure(BOB, Tranche::Junior, 20_000_000_000)
        .expect("junior deposit");
    let pool = s.with_backstop(15_000_000_000);
    let backstop = s.backstop();
    println!(
        "\n13. backstop: bob refills the junior tranche with 20,000 USDC; the owner makes the pool the auction's backstop, opens its clearinghouse account with an agent key and funds it with 15,000 USDC of junior coin\n   pool: {}; backstop account equity {:.2} USDC",
        navs(&s),
        backstop.equity.u128() as f64 / 1e6
    );
    s.create_account(ALICE, 1, AccountMode::Cross)
        .expect("alice account 1");
    s.deposit(ALICE, 1, 7_000_000_000, SETTLEMENT)
        .expect("alice deposit");
    let buy = s.signed(ALICE, s.order(ALICE, 1, "BTC-PERP", Buy, "1", "40000", 100));
    let sell = s.signed(
        CAROL,
        s.order(CAROL, 0, "BTC-PERP", Sell, "1", "40000", 100),
    );
    s.settle(sell, buy, "1", "40000").expect("alice buys 1 BTC");
    // BTC slides 1,000 at a time until the account is below maintenance margin.
    let mut btc = 40_000u32;
    let r = loop {
        btc -= 1_000;
        s.advance(30);
        let p = btc.to_string();
        s.feed(&[("BTC", p.as_str()), ("ATOM", "9.5"), ("STATOM", "11.4")]);
        let r = s.margin(ALICE, 1).expect("margin");
        if r.equity < r.maintenance_margin {
            break r;
        }
    };
    let btc = btc.to_string();
    let res = s.liquidate(ALICE, 1).expect("liquidate alice/1");
    let lot: u64 = attribute(&res, "lot")
        .and_then(|a| a.parse().ok())
        .expect("lot id");
    let taken = s.lot(lot).positions[0].size;
    println!(
        "   alice's second account (7,000 USDC, long 1 BTC at 40,000) at BTC {btc}: equity {} < MM {}; lot {lot} = {taken} BTC-PERP",
        usd(r.equity).trim(),
        usd(r.maintenance_margin).trim()
    );
    // Nobody bids for the whole hour; the keeper's redo asks the pool first.
    s.advance(3_600);
    s.feed(&[("BTC", btc.as_str()), ("ATOM", "9.5"), ("STATOM", "11.4")]);
    let res = s.redo(lot).expect("redo");
    let attr = |k: &str| attribute(&res, k).unwrap_or_default();
    let backstop = s.backstop();
    println!(
        "   an hour without bids; the keeper's redo asks the backstop: the pool takes the lot at factor {} — pays {:.2} USDC for {:.2} of mark value; its account's equity is now {:.2} USDC (junior debt to senior {:.2})\n   pool: {}",
        attr("factor"),
        attr("payment").parse::<f64>().unwrap_or(0.0) / 1e6,
        attr("mark_value").parse::<f64>().unwrap_or(0.0) / 1e6,
        backstop.equity.u128() as f64 / 1e6,
        backstop.junior_debt.u128() as f64 / 1e6,
        navs(&s)
    );
    // The pool cannot sign: its agent sells the position to carol (lots are cut in whole
    // 0.001 BTC lots, so one order closes it).
    let size = taken.to_string();
    let agent_sells = s.signed(pool, s.order(pool, 0, "BTC-PERP", Sell, &size, &btc, 1));
    let carol_buys = s.signed(CAROL, s.order(CAROL, 0, "BTC-PERP", Buy, &size, &btc, 101));
    s.settle(carol_buys, agent_sells, &size, &btc)
        .expect("agent unwinds");
    let left = s.positions(pool, 0);
    println!(
        "   the pool's agent key sells {size} BTC to carol at {btc} with an ordinary signed order (it could never withdraw); left in the account: {}\n   pool: {}",
        left.first()
            .map(|p| format!("{} BTC", p.size))
            .unwrap_or_else(|| "nothing".into()),
        navs(&s)
    );

    let totals = s.ledger_totals();
    let l = &totals.losses;
    println!(
        "\nprotocol-wide: {} liquidations, penalties {:.2} USDC (keeper tips {:.2}), deficits covered by insurance {:.2} USDC, socialized by auto-deleveraging {:.2} USDC ({} positions; the pool was not exhausted), bad debt left {:.2} USDC, revenue sent to the pool {:.2} USDC",
        l.liquidations,
        l.penalties.u128() as f64 / 1e6,
        l.keeper_tips.u128() as f64 / 1e6,
        l.covered_by_insurance.u128() as f64 / 1e6,
        l.socialized.u128() as f64 / 1e6,
        l.deleveraged,
        l.bad_debt.u128() as f64 / 1e6,
        l.to_insurance.u128() as f64 / 1e6
    );
    println!(
        "fees collected (with the penalties' protocol share): {:.2} USDC; clearing balance: {} uusdc (funding bob has not collected since step 8)",
        totals.fees.u128() as f64 / 1e6,
        totals.clearing
    );
    s.settle_account(BOB, 0).expect("settle bob");
    // The pool's account is among the traders now: it is in the ledger check too.
    s.assert_conservation();
    println!(
        "after a keeper settles bob: clearing balance {} uusdc (the rounding kept by the protocol); the clearinghouse's tokens equal its ledger to the unit",
        s.ledger_totals().clearing
    );
}
