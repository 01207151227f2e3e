//! Backtest of the benchmark books over real hourly prices.
//!
//! `cargo run --release -p ballast-risk --example backtest -- --prices FILE [--prices FILE2 …]
//!  [--horizon-hours H] [--json OUT]`
//!
//! FILE is a wide CSV `unix_time,BTC,ETH,...` (hourly closes, empty cells allowed). At every
//! hour t after the warm-up (EWMA volatility, β and residual σ learned from the file itself
//! with the parameters of `common/params.rs`), each book is written fresh at t's prices
//! (options 30 days out, strikes relative to spot), its MM computed in each mode, and then
//! held fixed: its realised loss is the worst drop of its equity (positions and collateral,
//! marked with the market data in force then) over the next H hours. A breach is a realised
//! loss above MM. With several files, pooled rows (`"window": "pooled"`) follow.

mod common;

use std::collections::BTreeMap;

use ballast_risk::engine::{equity, margin};
use ballast_risk::model::{MarginMode, RiskContext, YEAR_SECS};
use ballast_risk::vol::{log_return, Moments, VolEstimate};
use clap::Parser;
use common::{book_assets, books, context, d, isolated, params, Quote, BTC, DAY, UNDERLYINGS};
use cosmwasm_std::SignedDecimal;

#[derive(Parser)]
struct Args {
    /// Wide hourly CSV; repeat to pool several windows.
    #[arg(long, required = true)]
    prices: Vec<String>,
    /// Liquidation horizon over which realised losses are measured.
    #[arg(long, default_value_t = 2)]
    horizon_hours: usize,
    /// Hours of EWMA warm-up before the first scored hour.
    #[arg(long, default_value_t = 168)]
    warmup_hours: usize,
    #[arg(long)]
    json: Option<String>,
}

const MODES: [&str; 3] = ["isolated", "cross", "portfolio"];

struct Series {
    times: Vec<u64>,
    /// prices[t][u] for BTC, ETH, ATOM
    prices: Vec<[Option<SignedDecimal>; 3]>,
}

fn load(path: &str) -> Result<Series, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or(format!("{path}: empty file"))?
        .split(',')
        .collect();
    if header.first().map(|h| h.trim()) != Some("unix_time") {
        return Err(format!("{path}: first column must be unix_time"));
    }
    let cols: Vec<Option<usize>> = UNDERLYINGS
        .iter()
        .map(|a| header.iter().position(|h| h.trim() == *a))
        .collect();
    let mut s = Series {
        times: vec![],
        prices: vec![],
    };
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').collect();
        let t = cells[0]
            .trim()
            .parse::<u64>()
            .map_err(|e| format!("{path}:{}: {e}", n + 2))?;
        let mut row = [None, None, None];
        for (u, c) in cols.iter().enumerate() {
            if let Some(c) = c {
                let cell = cells.get(*c).map(|x| x.trim()).unwrap_or("");
                if !cell.is_empty() {
                    let p: SignedDecimal =
                        cell.parse().map_err(|e| format!("{path}:{}: {e}", n + 2))?;
                    if p > SignedDecimal::zero() {
                        row[u] = Some(p);
                    }
                }
            }
        }
        s.times.push(t);
        s.prices.push(row);
    }
    Ok(s)
}

/// Volatility estimates in force at each hour (after that hour's price).
fn estimates(s: &Series) -> Vec<[Option<VolEstimate>; 3]> {
    let p = params::ewma();
    let mut m: [Moments; 3] = Default::default();
    let mut out = Vec::with_capacity(s.times.len());
    for t in 0..s.times.len() {
        if t > 0 {
            let ret = |u: usize| match (s.prices[t - 1][u], s.prices[t][u]) {
                (Some(a), Some(b)) => log_return(a, b).ok(),
                _ => None,
            };
            let r_ref = ret(BTC);
            for (u, mu) in m.iter_mut().enumerate() {
                if let Some(r) = ret(u) {
                    mu.update(&p, r, r_ref).expect("ewma update");
                }
            }
        }
        let reference = m[BTC].clone();
        let row = std::array::from_fn(|u| {
            (m[u].updates >= 24).then(|| m[u].estimate(&p, &reference).expect("estimate"))
        });
        out.push(row);
    }
    out
}

fn quotes(s: &Series, est: &[[Option<VolEstimate>; 3]], t: usize) -> [Quote; 3] {
    std::array::from_fn(|u| match (s.prices[t][u], &est[t][u]) {
        (Some(price), Some(e)) => Quote {
            price,
            vol: e.vol.max(d("0.01")),
            option_vol: e.slow_vol.max(d("0.01")),
            beta: if u == BTC { d("1") } else { e.beta },
            resid_vol: if u == BTC {
                SignedDecimal::zero()
            } else {
                e.resid_vol
            },
        },
        // Placeholder for an asset the file lacks: no book that uses it is scored.
        _ => Quote {
            price: d("1"),
            vol: d("0.5"),
            option_vol: d("0.5"),
            beta: d("1"),
            resid_vol: d("0.5"),
        },
    })
}

/// Staked ATOM redemption rate: 1.2 rising 10 % a year from the file's start.
fn redemption(t0: u64, t: u64) -> SignedDecimal {
    d("1.2") * (SignedDecimal::one() + d("0.10") * SignedDecimal::from_ratio(t - t0, YEAR_SECS))
}

fn ctx_at(
    s: &Series,
    est: &[[Option<VolEstimate>; 3]],
    t: usize,
    expiry: u64,
    spot: SignedDecimal,
) -> RiskContext {
    let mut c = context(
        s.times[t],
        &quotes(s, est, t),
        redemption(s.times[0], s.times[t]),
        expiry,
        spot,
    );
    if s.prices[t][BTC].is_none() || est[t][BTC].is_none() {
        c.params.reference = None;
    }
    c
}

#[derive(Default, Clone)]
struct Tally {
    mm: Vec<f64>,
    floor: Vec<f64>,
    loss: Vec<f64>,
    breaches: usize,
}

fn f(x: SignedDecimal) -> f64 {
    x.to_string().parse().unwrap_or(f64::NAN)
}

fn run(
    s: &Series,
    horizon: usize,
    warmup: usize,
    out: &mut BTreeMap<(String, String), Tally>,
) -> Vec<String> {
    let est = estimates(s);
    let mut skipped = Vec::new();
    let names: Vec<&str> = {
        let probe = ctx_at(s, &est, 0, s.times[0] + DAY, d("1"));
        books(&probe).into_iter().map(|(n, _)| n).collect()
    };
    for name in &names {
        let needs = book_assets(name);
        if needs
            .iter()
            .any(|u| s.prices.iter().all(|row| row[*u].is_none()))
        {
            let missing: Vec<&str> = needs
                .iter()
                .filter(|u| s.prices.iter().all(|r| r[**u].is_none()))
                .map(|u| UNDERLYINGS[*u])
                .collect();
            skipped.push(format!("{name} (needs {})", missing.join(", ")));
        }
    }
    for t in warmup..s.times.len().saturating_sub(1) {
        let spot = match s.prices[t][BTC] {
            Some(p) => p,
            None => d("1"),
        };
        let expiry = s.times[t] + params::OPTION_DAYS * DAY;
        let ctx = ctx_at(s, &est, t, expiry, spot);
        let later: Vec<Option<RiskContext>> = (1..=horizon)
            .map(|k| (t + k < s.times.len()).then(|| ctx_at(s, &est, t + k, expiry, spot)))
            .collect();
        for (name, account) in books(&ctx) {
            let needs = book_assets(name);
            if needs
                .iter()
                .any(|u| s.prices[t][*u].is_none() || est[t][*u].is_none())
            {
                continue;
            }
            let Ok(e0) = equity(&account, &ctx) else {
                continue;
            };
            let mut loss = SignedDecimal::zero();
            let mut seen = false;
            for (k, c) in later.iter().enumerate() {
                let Some(c) = c else { continue };
                if needs
                    .iter()
                    .any(|u| s.prices[t + k + 1][*u].is_none() || est[t + k + 1][*u].is_none())
                {
                    continue;
                }
                if let Ok(e) = equity(&account, c) {
                    loss = loss.max(e0 - e);
                    seen = true;
                }
            }
            if !seen {
                continue;
            }
            let figures = [
                isolated(&account, &ctx).map(|i| (i.mm, i.floor)),
                margin(&account, &ctx, &MarginMode::Cross)
                    .map(|r| (r.maintenance_margin, r.floor))
                    .map_err(|e| e.to_string()),
                margin(&account, &ctx, &MarginMode::Portfolio)
                    .map(|r| (r.maintenance_margin, r.floor))
                    .map_err(|e| e.to_string()),
            ];
            for (mode, fig) in MODES.iter().zip(figures) {
                let (mm, floor) =
                    fig.unwrap_or_else(|e| panic!("{name} {mode} at {}: {e}", s.times[t]));
                let tally = out.entry((name.to_string(), mode.to_string())).or_default();
                tally.mm.push(f(mm));
                tally.floor.push(f(floor));
                tally.loss.push(f(loss));
                if loss > mm {
                    tally.breaches += 1;
                }
            }
        }
    }
    skipped
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(s.len() / 2).copied().unwrap_or(0.0)
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return 0.0;
    }
    let i = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1;
    s[i]
}

fn report(window: &str, tallies: &BTreeMap<(String, String), Tally>, rows: &mut Vec<String>) {
    println!("\n== {window}");
    println!(
        "{:<13} {:<10} {:>6} {:>5} {:>8} {:>12} {:>11} {:>12} {:>7}",
        "book", "mode", "hours", "br.", "rate", "median MM", "floor MM", "loss q99.9", "MM/q"
    );
    for ((book, mode), t) in tallies {
        let n = t.mm.len();
        let rate = t.breaches as f64 / n.max(1) as f64;
        let (med, fl, q) = (median(&t.mm), median(&t.floor), quantile(&t.loss, 0.999));
        let ratio = if q >= 0.01 {
            format!("{:.3}", med / q)
        } else {
            "null".into()
        };
        println!("{book:<13} {mode:<10} {n:>6} {:>5} {:>7.3}% {med:>12.0} {fl:>11.0} {q:>12.0} {ratio:>7}", t.breaches, 100.0 * rate);
        rows.push(format!(
            "{{\"window\":\"{window}\",\"book\":\"{book}\",\"mode\":\"{mode}\",\"hours_scored\":{n},\"breaches\":{},\"breach_rate\":{rate:.6},\"median_mm\":{med:.2},\"floor_mm\":{fl:.2},\"realised_q999\":{q:.2},\"mm_to_q999\":{ratio}}}",
            t.breaches
        ));
    }
}

fn main() {
    let args = Args::parse();
    if args.horizon_hours == 0 {
        eprintln!("--horizon-hours must be at least 1");
        std::process::exit(2);
    }
    let mut rows = Vec::new();
    let mut pooled: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for path in &args.prices {
        let series = match load(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        };
        let mut tallies = BTreeMap::new();
        let skipped = run(&series, args.horizon_hours, args.warmup_hours, &mut tallies);
        let window = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        report(&window, &tallies, &mut rows);
        if !skipped.is_empty() {
            println!("skipped: {}", skipped.join("; "));
        }
        for (k, t) in tallies {
            let p = pooled.entry(k).or_default();
            p.mm.extend(t.mm);
            p.floor.extend(t.floor);
            p.loss.extend(t.loss);
            p.breaches += t.breaches;
        }
    }
    if args.prices.len() > 1 {
        report("pooled", &pooled, &mut rows);
    }
    if let Some(out) = args.json {
        if let Some(dir) = std::path::Path::new(&out).parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(&out, format!("[\n{}\n]\n", rows.join(",\n"))).expect("write json");
        println!("wrote {out}");
    }
}
