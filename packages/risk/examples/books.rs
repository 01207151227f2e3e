//! Six benchmark books under isolated, cross and portfolio margin.
//!
//! `cargo run --release -p ballast-risk --example books` prints the table and writes
//! `bench/books.json`. Market snapshot: BTC $60,000 σ 60 %, ETH $3,000 σ 80 % (β 1.13 to
//! BTC, residual σ 42 %), ATOM $10 σ 100 % (β 1.17, residual σ 71 %); options 30 days out;
//! staked ATOM at a redemption rate of 1.2. Parameters: `examples/common/params.rs`.
//!
//! "efficiency" = gross notional ÷ IM: the notional one unit of margin carries, i.e. the
//! engine's capital efficiency of an account funded with exactly its initial margin.

mod common;

use ballast_risk::engine::margin;
use ballast_risk::model::MarginMode;
use common::{books, context, d, isolated, params, snapshot_quotes, BTC, DAY};
use cosmwasm_std::SignedDecimal;

fn main() {
    let now = 1_700_000_000;
    let quotes = snapshot_quotes();
    let ctx = context(
        now,
        &quotes,
        d("1.2"),
        now + params::OPTION_DAYS * DAY,
        quotes[BTC].price,
    );

    println!(
        "{:<13} {:<10} {:>14} {:>14} {:>10} {:>10}",
        "book", "mode", "IM", "MM", "effic.", "PM/iso IM"
    );
    let mut rows = Vec::new();
    for (name, account) in books(&ctx) {
        let iso = isolated(&account, &ctx).expect("isolated margin");
        let (iso_im, iso_mm, gross) = (iso.im, iso.mm, iso.gross);
        let cross = margin(&account, &ctx, &MarginMode::Cross).expect("cross margin");
        let pm = margin(&account, &ctx, &MarginMode::Portfolio).expect("portfolio margin");
        if std::env::var("BOOKS_VERBOSE").is_ok() {
            eprintln!("{name}: worst {:?}", pm.worst_scenario);
        }
        for (mode, im, mm) in [
            ("isolated", iso_im, iso_mm),
            ("cross", cross.initial_margin, cross.maintenance_margin),
            ("portfolio", pm.initial_margin, pm.maintenance_margin),
        ] {
            let eff = if im.is_zero() { 0.0 } else { f(gross / im) };
            let ratio = if mode == "portfolio" {
                format!("{:.3}", f(im / iso_im))
            } else {
                String::new()
            };
            println!(
                "{name:<13} {mode:<10} {:>14.2} {:>14.2} {:>10.2} {:>10}",
                f(im),
                f(mm),
                eff,
                ratio
            );
            rows.push(format!(
                "{{\"book\":\"{name}\",\"mode\":\"{mode}\",\"im\":{},\"mm\":{},\"efficiency\":{}}}",
                im,
                mm,
                if im.is_zero() {
                    SignedDecimal::zero()
                } else {
                    gross / im
                }
            ));
        }
    }
    std::fs::create_dir_all(bench_dir()).expect("create bench/");
    let path = bench_dir().join("books.json");
    std::fs::write(&path, format!("[\n{}\n]\n", rows.join(",\n"))).expect("write books.json");
    println!("wrote bench/books.json");
}

/// Report formatting only (the engine never uses floats).
fn f(x: SignedDecimal) -> f64 {
    x.to_string().parse().unwrap_or(f64::NAN)
}

fn bench_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench")
}
