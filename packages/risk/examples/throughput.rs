//! Portfolio-margin evaluations per second for accounts of 1, 10 and 50 positions over
//! three underlyings (a mix of perps, futures and options), one core.
//!
//! `cargo run --profile bench -p ballast-risk --example throughput` (opt-level 3, the build
//! keepers and native tools use) prints the figures and writes
//! `bench/risk.json`: `{"evals_per_sec": {"1": …, "10": …, "50": …}}`.

mod common;

use std::time::{Duration, Instant};

use ballast_risk::engine::margin;
use ballast_risk::model::{Account, Instrument, MarginMode, OptionKind, Position};
use common::{context, d, params, snapshot_quotes, BTC, DAY};
use cosmwasm_std::SignedDecimal;

fn account(ctx: &mut ballast_risk::model::RiskContext, n: usize) -> Account {
    let now = ctx.params.now;
    let mut positions = Vec::with_capacity(n);
    for i in 0..n {
        let u = i % 3;
        let price = ctx.underlyings[u].price;
        let size = d("100000") / price
            * if i % 2 == 0 {
                SignedDecimal::one()
            } else {
                -SignedDecimal::one()
            };
        let instrument = match i % 5 {
            0 | 3 => Instrument::Perp,
            1 => Instrument::Future {
                expiry: now + (30 + i as u64) * DAY,
            },
            _ => Instrument::Option {
                expiry: now + (7 + 3 * i as u64) * DAY,
                strike: price * (d("0.8") + SignedDecimal::percent(2 * (i as i64 % 20))),
                kind: if i % 4 < 2 {
                    OptionKind::Call
                } else {
                    OptionKind::Put
                },
            },
        };
        ctx.markets.push(params::linear_market(
            u,
            ["BTC", "ETH", "ATOM"][u],
            instrument,
        ));
        positions.push(Position {
            market: ctx.markets.len() - 1,
            size,
            entry_price: price,
        });
    }
    Account {
        settlement: d("1000000"),
        collateral: vec![],
        positions,
    }
}

fn main() {
    let now = 1_700_000_000;
    let quotes = snapshot_quotes();
    let mut rows = Vec::new();
    for n in [1usize, 10, 50] {
        let mut ctx = context(
            now,
            &quotes,
            d("1.2"),
            now + params::OPTION_DAYS * DAY,
            quotes[BTC].price,
        );
        let acc = account(&mut ctx, n);
        let report = margin(&acc, &ctx, &MarginMode::Portfolio).expect("margin");
        let mut evals = 0u64;
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            for _ in 0..20 {
                std::hint::black_box(
                    margin(std::hint::black_box(&acc), &ctx, &MarginMode::Portfolio)
                        .expect("margin"),
                );
            }
            evals += 20;
        }
        let rate = evals as f64 / start.elapsed().as_secs_f64();
        println!(
            "{n:>3} positions: {rate:>10.0} portfolio evaluations/s (MM {})",
            report.maintenance_margin
        );
        rows.push(format!("\"{n}\": {rate:.0}"));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench");
    std::fs::create_dir_all(&dir).expect("create bench/");
    std::fs::write(
        dir.join("risk.json"),
        format!("{{\"evals_per_sec\": {{{}}}}}\n", rows.join(", ")),
    )
    .expect("write risk.json");
    println!("wrote bench/risk.json");
}
