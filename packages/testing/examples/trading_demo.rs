//! The trading demo on an embedded in-process chain (cw-multi-test): deploy the oracle, a
//! cw20 staked-ATOM token and the clearinghouse; feeders post prices; two traders deposit
//! and sign orders with their own secp256k1 keys (ADR-36, as Keplr signs); a third party
//! settles the match; prices move; a withdrawal that would break initial margin is refused;
//! a trade over the index sets a funding premium and hourly cranks move funding from longs
//! to shorts; a future expires and settles at the oracle price. Every step prints the
//! accounts' margin reports.
//!
//! `cargo run --release -p ballast-testing --example trading_demo`

use ballast_risk::model::Instrument;
use ballast_risk::model::MarginReport;
use ballast_testing::perp_config;
use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountMode, ExecuteMsg};
use ballast_types::order::Side::{Buy, Sell};
use cosmwasm_std::SignedDecimal;

const ALICE: usize = 0;
const BOB: usize = 1;

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
    let mut s = Suite::full();
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
            let get = |k: &str| {
                r.events
                    .iter()
                    .flat_map(|e| e.attributes.iter())
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap_or_default()
            };
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

    let totals = s.ledger_totals();
    println!(
        "\nfees collected: {:.2} USDC; clearing balance (funding rounding kept by the protocol): {} uusdc",
        totals.fees.u128() as f64 / 1e6,
        totals.clearing
    );
    println!("(liquidations, auctions and the insurance pool come next: see the open issues)");
}
