//! Shared by the `books`, `backtest` and `throughput` examples: the one parameter file
//! (`params.rs`) and the six benchmark books.

#![allow(dead_code)]

pub mod params;

use std::str::FromStr;

use ballast_risk::model::{
    Account, CollateralAsset, CollateralLink, Holding, Instrument, Market, OptionKind, Position,
    RiskContext, Underlying,
};
use cosmwasm_std::SignedDecimal;

pub fn d(s: &str) -> SignedDecimal {
    SignedDecimal::from_str(s).expect("decimal literal")
}

/// Market data of one underlying at one instant.
#[derive(Clone, Debug)]
pub struct Quote {
    pub price: SignedDecimal,
    pub vol: SignedDecimal,
    pub option_vol: SignedDecimal,
    pub beta: SignedDecimal,
    pub resid_vol: SignedDecimal,
}

pub const UNDERLYINGS: [&str; 3] = ["BTC", "ETH", "ATOM"];
pub const BTC: usize = 0;
pub const ETH: usize = 1;
pub const ATOM: usize = 2;

/// Market indices of the context built by [`context`].
pub const PERP: [usize; 3] = [0, 1, 2];
pub const BTC_FUTURE: usize = 3;
pub const BTC_CALL_110: usize = 4;
pub const BTC_CALL_115: usize = 5;
pub const BTC_PUT_90: usize = 6;
pub const BTC_PUT_85: usize = 7;
/// Collateral indices.
pub const USDC: usize = 0;
pub const STATOM: usize = 1;

pub const DAY: u64 = 86_400;

/// The market snapshot of the books table and the throughput bench: BTC $60,000 σ 60 %,
/// ETH $3,000 σ 80 % (β 1.13, residual σ 42 %), ATOM $10 σ 100 % (β 1.17, residual 71 %).
pub fn snapshot_quotes() -> [Quote; 3] {
    let q = |p: &str, v: &str, b: &str, r: &str| Quote {
        price: d(p),
        vol: d(v),
        option_vol: d(v),
        beta: d(b),
        resid_vol: d(r),
    };
    [
        q("60000", "0.60", "1", "0"),
        q("3000", "0.80", "1.13", "0.42"),
        q("10", "1.00", "1.17", "0.71"),
    ]
}

/// A book's margin in isolated mode: every position in its own isolated account.
pub struct Isolated {
    pub im: SignedDecimal,
    pub mm: SignedDecimal,
    pub floor: SignedDecimal,
    pub gross: SignedDecimal,
}

pub fn isolated(account: &Account, ctx: &RiskContext) -> Result<Isolated, String> {
    let zero = SignedDecimal::zero();
    let mut out = Isolated {
        im: zero,
        mm: zero,
        floor: zero,
        gross: zero,
    };
    for p in &account.positions {
        let single = Account {
            settlement: zero,
            collateral: vec![],
            positions: vec![p.clone()],
        };
        let mode = ballast_risk::model::MarginMode::Isolated { market: p.market };
        let r = ballast_risk::engine::margin(&single, ctx, &mode).map_err(|e| e.to_string())?;
        out.im += r.initial_margin;
        out.mm += r.maintenance_margin;
        out.floor += r.floor;
        out.gross += r.gross_notional;
    }
    Ok(out)
}

/// The context at time `now` with the given quotes (BTC, ETH, ATOM) and the staked ATOM
/// redemption rate. Options are written `OPTION_DAYS` days out, strikes relative to spot
/// `spot_btc` (the books roll them: every evaluation writes them fresh).
pub fn context(
    now: u64,
    quotes: &[Quote; 3],
    redemption: SignedDecimal,
    option_expiry: u64,
    strikes_from: SignedDecimal,
) -> RiskContext {
    let underlyings = UNDERLYINGS
        .iter()
        .zip(quotes)
        .map(|(name, q)| {
            let p = params::underlying(name);
            Underlying {
                name: name.to_string(),
                price: q.price,
                vol: q.vol,
                option_vol: q.option_vol,
                beta: q.beta,
                resid_vol: q.resid_vol,
                range_floor: p.range_floor,
                resid_floor: p.resid_floor,
                vol_up: p.vol_up,
                vol_jump: p.vol_jump,
                vol_down: p.vol_down,
            }
        })
        .collect();
    let mut markets: Vec<Market> = UNDERLYINGS
        .iter()
        .enumerate()
        .map(|(u, name)| params::linear_market(u, name, Instrument::Perp))
        .collect();
    markets.push(params::linear_market(
        BTC,
        "BTC",
        Instrument::Future {
            expiry: now + params::FUTURE_DAYS * DAY,
        },
    ));
    for (k, kind) in [
        ("1.10", OptionKind::Call),
        ("1.15", OptionKind::Call),
        ("0.90", OptionKind::Put),
        ("0.85", OptionKind::Put),
    ] {
        markets.push(params::option_market(
            BTC,
            Instrument::Option {
                expiry: option_expiry,
                strike: strikes_from * d(k),
                kind,
            },
        ));
    }
    let collaterals = vec![
        CollateralAsset {
            name: "USDC".into(),
            price: d("1"),
            weight: d("1"),
            link: None,
        },
        CollateralAsset {
            name: "stATOM".into(),
            price: quotes[ATOM].price * redemption,
            weight: params::STATOM_WEIGHT(),
            link: Some(CollateralLink {
                underlying: ATOM,
                beta: d("1"),
            }),
        },
    ];
    RiskContext {
        underlyings,
        markets,
        collaterals,
        params: params::risk_params(now, Some(BTC)),
    }
}

pub fn perp(u: usize, size: SignedDecimal, entry: SignedDecimal) -> Position {
    Position {
        market: PERP[u],
        size,
        entry_price: entry,
    }
}

/// The six benchmark books, each about $1M of gross exposure, sized at the given prices.
/// `option_marks` are the entry prices of the four BTC options (their premium is paid in
/// cash at entry, so their entry price in the position is 0 and the cash is in settlement).
pub fn books(ctx: &RiskContext) -> Vec<(&'static str, Account)> {
    let px = |u: usize| ctx.underlyings[u].price;
    let million = d("1000000");
    let btc = million / px(BTC);
    let usdc = |amount: &str| d(amount);
    let stake_price = ctx.collaterals[STATOM].price;
    let staked_units = million / stake_price;
    // Short perp hedging the weighted (counted) value of the staked collateral.
    let hedge = staked_units * ctx.collaterals[STATOM].weight * stake_price / px(ATOM);
    let opt = |m: usize, size: SignedDecimal| Position {
        market: m,
        size,
        entry_price: SignedDecimal::zero(),
    };
    vec![
        (
            "directional",
            Account {
                settlement: usdc("200000"),
                collateral: vec![],
                positions: vec![perp(BTC, btc, px(BTC))],
            },
        ),
        (
            "basis",
            Account {
                settlement: SignedDecimal::zero(),
                collateral: vec![Holding {
                    asset: STATOM,
                    amount: staked_units,
                }],
                positions: vec![perp(ATOM, -hedge, px(ATOM))],
            },
        ),
        (
            "pair",
            Account {
                settlement: usdc("200000"),
                collateral: vec![],
                positions: vec![
                    perp(BTC, btc, px(BTC)),
                    perp(ETH, -(million / px(ETH)), px(ETH)),
                ],
            },
        ),
        (
            "calendar",
            Account {
                settlement: usdc("200000"),
                collateral: vec![],
                positions: vec![
                    perp(BTC, btc, px(BTC)),
                    Position {
                        market: BTC_FUTURE,
                        size: -btc,
                        entry_price: px(BTC),
                    },
                ],
            },
        ),
        (
            "covered_call",
            Account {
                settlement: usdc("200000"),
                collateral: vec![],
                positions: vec![perp(BTC, btc, px(BTC)), opt(BTC_CALL_110, -btc)],
            },
        ),
        (
            "iron_condor",
            Account {
                settlement: usdc("200000"),
                collateral: vec![],
                positions: vec![
                    opt(BTC_PUT_85, btc),
                    opt(BTC_PUT_90, -btc),
                    opt(BTC_CALL_110, -btc),
                    opt(BTC_CALL_115, btc),
                ],
            },
        ),
    ]
}

/// Underlyings a book needs (to skip books whose assets a price file lacks).
pub fn book_assets(book: &str) -> &'static [usize] {
    match book {
        "basis" => &[ATOM],
        "pair" => &[BTC, ETH],
        _ => &[BTC],
    }
}
