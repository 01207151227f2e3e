//! From stored state and fresh oracle data to the margin engine's input, and back.
//!
//! Only what the account touches is loaded: the underlyings of its linked collateral (and,
//! with trading, its positions' markets) plus the reference underlying. Every price and
//! volatility comes from the oracle, which refuses stale or unconfirmed prices: a margin
//! check on stale data fails rather than acting on an old price.

use ballast_risk::engine::margin;
use ballast_risk::model::{
    Account as RiskAccount, CollateralAsset, CollateralLink, Holding as RiskHolding, Instrument,
    MarginMode, MarginReport, Market, Position as RiskPosition, RiskContext, Underlying,
};
use cosmwasm_std::{Addr, Decimal, Deps, Env, Int128, Order, SignedDecimal, Uint128};

use ballast_types::clearinghouse::{AccountMode, MarketConfig};
use ballast_types::oracle::{PriceResponse, QueryMsg as OracleQuery, VolatilityResponse};

use crate::error::{ContractError, ContractResult};
use crate::execute::admin::risk_params;
use crate::state::{
    Config, Position, ACCOUNTS, COLLATERALS, CONFIG, HOLDINGS, MARKETS, MAX_COLLATERALS,
    MAX_DECIMALS, MAX_MARKETS, POSITIONS, UNDERLYINGS,
};

/// An asset without volatility history (a young oracle) is margined with at least this σ;
/// its range floor still applies.
const MIN_VOL_PERCENT: i64 = 1;

pub fn decimal(d: Decimal) -> ContractResult<SignedDecimal> {
    SignedDecimal::try_from(d).map_err(|_| ContractError::Overflow("decimal"))
}

pub fn units(amount: Int128) -> ContractResult<SignedDecimal> {
    SignedDecimal::from_atomics(amount, 0).map_err(|_| ContractError::Overflow("amount"))
}

fn unsigned_units(amount: Uint128) -> ContractResult<SignedDecimal> {
    units(Int128::try_from(amount).map_err(|_| ContractError::Overflow("amount"))?)
}

/// The engine's view of a listed market, its underlying at `underlying`. Strikes are
/// listed in whole settlement units, like order prices; the engine works in base units.
pub fn engine_market(
    m: &MarketConfig,
    underlying: usize,
    settlement_decimals: u8,
) -> ContractResult<Market> {
    let instrument = match m.instrument.clone() {
        Instrument::Option {
            expiry,
            strike,
            kind,
        } => Instrument::Option {
            expiry,
            strike: strike
                .checked_mul(scale(settlement_decimals, 0))
                .map_err(|_| ContractError::Overflow("strike"))?,
            kind,
        },
        other => other,
    };
    Ok(Market {
        underlying,
        instrument,
        initial: m.initial.clone(),
        maintenance: m.maintenance.clone(),
        depth: m.depth,
        impact: m.impact,
        floor: m.floor,
    })
}

/// Builds a context incrementally, querying the oracle once per asset.
struct Builder<'a> {
    deps: Deps<'a>,
    config: Config,
    ctx: RiskContext,
    names: Vec<String>,
}

/// 10^settlement_decimals / 10^token_decimals: whole-unit prices to base-unit prices.
fn scale(settlement_decimals: u8, token_decimals: u8) -> SignedDecimal {
    let pow = |d: u8| 10i128.pow(d.min(MAX_DECIMALS) as u32);
    SignedDecimal::from_ratio(pow(settlement_decimals), pow(token_decimals))
}

impl Builder<'_> {
    /// Oracle price of one whole `asset`, in settlement base units per base unit of a token
    /// with `decimals` (0 for an underlying: per whole unit).
    fn price(&self, asset: &str, decimals: u8) -> ContractResult<SignedDecimal> {
        let p: PriceResponse = self
            .deps
            .querier
            .query_wasm_smart(
                &self.config.oracle,
                &OracleQuery::Price {
                    asset: asset.to_string(),
                },
            )
            .map_err(|e| ContractError::Oracle(e.to_string()))?;
        decimal(p.price)?
            .checked_mul(scale(self.config.settlement_decimals, decimals))
            .map_err(|_| ContractError::Overflow("price"))
    }

    fn underlying(&mut self, name: &str) -> ContractResult<usize> {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return Ok(i);
        }
        let c = UNDERLYINGS
            .may_load(self.deps.storage, name)?
            .ok_or_else(|| ContractError::NotListed {
                kind: "underlying",
                id: name.to_string(),
            })?;
        let price = self.price(&c.oracle_asset, 0)?;
        let v: VolatilityResponse = self
            .deps
            .querier
            .query_wasm_smart(
                &self.config.oracle,
                &OracleQuery::Volatility {
                    asset: c.oracle_asset.clone(),
                },
            )
            .map_err(|e| ContractError::Oracle(e.to_string()))?;
        let min_vol = SignedDecimal::percent(MIN_VOL_PERCENT);
        self.ctx.underlyings.push(Underlying {
            name: name.to_string(),
            price,
            vol: v.vol.max(min_vol),
            option_vol: v.slow_vol.max(min_vol),
            beta: v.beta,
            resid_vol: v.resid_vol,
            range_floor: c.range_floor,
            resid_floor: c.resid_floor,
            vol_up: c.vol_up,
            vol_jump: c.vol_jump,
            vol_down: c.vol_down,
        });
        self.names.push(name.to_string());
        Ok(self.names.len() - 1)
    }
}

/// A withdrawal to apply before margining (for checks and what-if queries).
pub struct Withdrawal<'a> {
    pub collateral: &'a str,
    pub amount: Uint128,
}

pub fn account_report(
    deps: Deps,
    env: &Env,
    owner: &Addr,
    sub_id: u32,
) -> ContractResult<MarginReport> {
    account_report_after(deps, env, owner, sub_id, None)
}

pub fn account_report_after(
    deps: Deps,
    env: &Env,
    owner: &Addr,
    sub_id: u32,
    withdrawal: Option<Withdrawal>,
) -> ContractResult<MarginReport> {
    let account = ACCOUNTS
        .may_load(deps.storage, (owner, sub_id))?
        .ok_or_else(|| ContractError::NoAccount {
            owner: owner.to_string(),
            sub_id,
        })?;
    let config = CONFIG.load(deps.storage)?;
    let mut b = Builder {
        deps,
        ctx: RiskContext {
            underlyings: vec![],
            markets: vec![],
            collaterals: vec![],
            params: risk_params(&config.risk, env.block.time.seconds(), None),
        },
        config,
        names: vec![],
    };
    let mut settlement = account.settlement;
    let mut holdings: Vec<(String, Uint128)> = HOLDINGS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_COLLATERALS)
        .collect::<Result<_, _>>()?;
    if let Some(w) = withdrawal {
        if w.collateral == b.config.settlement_denom {
            settlement = settlement
                .checked_sub(
                    Int128::try_from(w.amount).map_err(|_| ContractError::Overflow("amount"))?,
                )
                .map_err(|_| ContractError::Overflow("settlement"))?;
        } else {
            let h = holdings
                .iter_mut()
                .find(|(id, _)| id == w.collateral)
                .ok_or_else(|| ContractError::InsufficientBalance {
                    collateral: w.collateral.to_string(),
                    requested: w.amount,
                    available: Uint128::zero(),
                })?;
            h.1 =
                h.1.checked_sub(w.amount)
                    .map_err(|_| ContractError::InsufficientBalance {
                        collateral: w.collateral.to_string(),
                        requested: w.amount,
                        available: h.1,
                    })?;
        }
    }
    let mut risk_account = RiskAccount {
        settlement: units(settlement)?,
        collateral: vec![],
        positions: vec![],
    };
    for (id, amount) in holdings.into_iter().filter(|(_, a)| !a.is_zero()) {
        let c = COLLATERALS.load(deps.storage, &id)?;
        let link = match &c.link {
            Some(l) => Some(CollateralLink {
                underlying: b.underlying(&l.underlying)?,
                beta: l.beta,
            }),
            None => None,
        };
        let price = b.price(&c.oracle_asset, c.decimals)?;
        b.ctx.collaterals.push(CollateralAsset {
            name: id,
            price,
            weight: decimal(c.weight)?,
            link,
        });
        risk_account.collateral.push(RiskHolding {
            asset: b.ctx.collaterals.len() - 1,
            amount: unsigned_units(amount)?,
        });
    }
    // Positions: the engine sees each position's value as size × (mark − entry) and the
    // settlement as quote + Σ size × entry, which is the same equity as quote + Σ size × mark
    // but keeps the engine's collateral value (and capital efficiency) about deposits.
    let positions: Vec<(String, Position)> = POSITIONS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_MARKETS)
        .collect::<Result<_, _>>()?;
    let mut cost = SignedDecimal::zero();
    let mut isolated_index = None;
    for (id, p) in positions {
        let m = MARKETS.load(deps.storage, &id)?;
        let underlying = b.underlying(&m.underlying)?;
        b.ctx
            .markets
            .push(engine_market(&m, underlying, b.config.settlement_decimals)?);
        let index = b.ctx.markets.len() - 1;
        if matches!(&account.mode, AccountMode::Isolated { market } if *market == id) {
            isolated_index = Some(index);
        }
        cost = p
            .size
            .checked_mul(p.entry_price)
            .and_then(|c| cost.checked_add(c))
            .map_err(|_| ContractError::Overflow("cost basis"))?;
        risk_account.positions.push(RiskPosition {
            market: index,
            size: p.size,
            entry_price: p.entry_price,
        });
    }
    risk_account.settlement = risk_account
        .settlement
        .checked_add(cost)
        .map_err(|_| ContractError::Overflow("settlement"))?;
    // The reference matters only when some underlying is in play.
    if !b.names.is_empty() {
        if let Some(r) = b.config.risk.reference.clone() {
            let i = b.underlying(&r)?;
            b.ctx.params.reference = Some(i);
        }
    }
    let mode = match &account.mode {
        // Without a position in its market, an index past the end names "that market".
        AccountMode::Isolated { .. } => MarginMode::Isolated {
            market: isolated_index.unwrap_or(b.ctx.markets.len()),
        },
        AccountMode::Cross => MarginMode::Cross,
        AccountMode::Portfolio => MarginMode::Portfolio,
    };
    Ok(margin(&risk_account, &b.ctx, &mode)?)
}
