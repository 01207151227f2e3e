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
use ballast_types::oracle::{QueryMsg as OracleQuery, VolatilityResponse};

use crate::error::{ContractError, ContractResult};
use crate::execute::admin::risk_params;
use crate::execute::trade::next_position;
use crate::funding::expiry;
use crate::ledger::{market_cash, oracle_price, position_cash, MarketCash};
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
pub fn scale(settlement_decimals: u8, token_decimals: u8) -> SignedDecimal {
    let pow = |d: u8| 10i128.pow(d.min(MAX_DECIMALS) as u32);
    SignedDecimal::from_ratio(pow(settlement_decimals), pow(token_decimals))
}

impl Builder<'_> {
    /// Oracle price of one whole `asset`, in settlement base units per base unit of a token
    /// with `decimals` (0 for an underlying: per whole unit).
    fn price(&self, asset: &str, decimals: u8) -> ContractResult<SignedDecimal> {
        let p = oracle_price(self.deps, &self.config.oracle, asset)?;
        decimal(p)?
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
        // σ outside what the engine accepts is clamped to its edges: zero (no history) to
        // the floor, absurd values to the engine's maximum, the most conservative margin.
        let (min_vol, max_vol) = (
            SignedDecimal::percent(MIN_VOL_PERCENT),
            self.config.risk.max_vol,
        );
        self.ctx.underlyings.push(Underlying {
            name: name.to_string(),
            price,
            vol: v.vol.clamp(min_vol, max_vol),
            option_vol: v.slow_vol.clamp(min_vol, max_vol),
            beta: v.beta,
            resid_vol: v.resid_vol.min(max_vol),
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

/// A change to apply before margining, for what-if queries.
pub enum WhatIf<'a> {
    Withdraw {
        collateral: &'a str,
        amount: Uint128,
    },
    /// A fill of signed `size` at `price` (whole settlement units), taker fee charged.
    Trade {
        market: &'a str,
        size: SignedDecimal,
        price: Decimal,
    },
    /// Parts taken out with nothing in return (liquidation: only the requirement of what
    /// is left is used).
    Remove {
        positions: &'a [(String, SignedDecimal)],
        collateral: &'a [(String, Uint128)],
    },
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
    what_if: Option<WhatIf>,
) -> ContractResult<MarginReport> {
    let account = ACCOUNTS
        .may_load(deps.storage, (owner, sub_id))?
        .ok_or_else(|| ContractError::NoAccount {
            owner: owner.to_string(),
            sub_id,
        })?;
    let config = CONFIG.load(deps.storage)?;
    let mut settlement = account.settlement;
    let mut holdings: Vec<(String, Uint128)> = HOLDINGS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_COLLATERALS)
        .collect::<Result<_, _>>()?;
    let mut positions: Vec<(String, Position)> = POSITIONS
        .prefix((owner, sub_id))
        .range(deps.storage, None, None, Order::Ascending)
        .take(MAX_MARKETS)
        .collect::<Result<_, _>>()?;
    match what_if {
        Some(WhatIf::Withdraw { collateral, amount }) if collateral == config.settlement_denom => {
            settlement = settlement
                .checked_sub(
                    Int128::try_from(amount).map_err(|_| ContractError::Overflow("amount"))?,
                )
                .map_err(|_| ContractError::Overflow("settlement"))?;
        }
        Some(WhatIf::Withdraw { collateral, amount }) => {
            let h = holdings
                .iter_mut()
                .find(|(id, _)| id == collateral)
                .ok_or_else(|| ContractError::InsufficientBalance {
                    collateral: collateral.to_string(),
                    requested: amount,
                    available: Uint128::zero(),
                })?;
            h.1 =
                h.1.checked_sub(amount)
                    .map_err(|_| ContractError::InsufficientBalance {
                        collateral: collateral.to_string(),
                        requested: amount,
                        available: h.1,
                    })?;
        }
        Some(WhatIf::Trade {
            market,
            size,
            price,
        }) => {
            let paid = what_if_trade(
                deps,
                env,
                &account.mode,
                &config,
                &mut positions,
                market,
                size,
                price,
            )?;
            settlement = settlement
                .checked_sub(paid)
                .map_err(|_| ContractError::Overflow("settlement"))?;
        }
        Some(WhatIf::Remove {
            positions: removed,
            collateral: taken,
        }) => {
            for (market, size) in removed {
                if let Some((_, p)) = positions.iter_mut().find(|(id, _)| id == market) {
                    p.size = p
                        .size
                        .checked_sub(*size)
                        .map_err(|_| ContractError::Overflow("size"))?;
                }
            }
            positions.retain(|(_, p)| !p.size.is_zero());
            for (id, amount) in taken {
                if let Some(h) = holdings.iter_mut().find(|(h, _)| h == id) {
                    h.1 = h.1.saturating_sub(*amount);
                }
            }
        }
        None => {}
    }
    report_for(
        deps,
        env,
        config,
        &account.mode,
        settlement,
        holdings,
        positions,
    )
}

/// The engine's report for an account made of these parts (stored or hypothetical).
pub fn report_for(
    deps: Deps,
    env: &Env,
    config: Config,
    mode: &AccountMode,
    settlement: Int128,
    holdings: Vec<(String, Uint128)>,
    positions: Vec<(String, Position)>,
) -> ContractResult<MarginReport> {
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
    //
    // Funding due and expired positions are settled here as the next touch would settle them.
    let mut cost = SignedDecimal::zero();
    let mut isolated_index = None;
    for (id, p) in positions {
        let m = MARKETS.load(deps.storage, &id)?;
        let cash = market_cash(deps, env, &b.config, &id, &m)?;
        let (due, left) = position_cash(&b.config, &m, &p, &cash)?;
        risk_account.settlement = risk_account
            .settlement
            .checked_add(units(due)?)
            .map_err(|_| ContractError::Overflow("settlement"))?;
        let Some(p) = left else { continue };
        let underlying = b.underlying(&m.underlying)?;
        b.ctx
            .markets
            .push(engine_market(&m, underlying, b.config.settlement_decimals)?);
        let index = b.ctx.markets.len() - 1;
        if matches!(mode, AccountMode::Isolated { market } if *market == id) {
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
    let mode = match mode {
        // Without a position in its market, an index past the end names "that market".
        AccountMode::Isolated { .. } => MarginMode::Isolated {
            market: isolated_index.unwrap_or(b.ctx.markets.len()),
        },
        AccountMode::Cross => MarginMode::Cross,
        AccountMode::Portfolio => MarginMode::Portfolio,
    };
    Ok(margin(&risk_account, &b.ctx, &mode)?)
}

/// Applies a hypothetical fill to `positions`; returns what the account would pay for it
/// (notional rounded up, plus the taker fee rounded up; negative when it receives).
#[allow(clippy::too_many_arguments)]
fn what_if_trade(
    deps: Deps,
    env: &Env,
    mode: &AccountMode,
    config: &Config,
    positions: &mut Vec<(String, Position)>,
    market: &str,
    size: SignedDecimal,
    price: Decimal,
) -> ContractResult<Int128> {
    let m = MARKETS
        .may_load(deps.storage, market)?
        .ok_or_else(|| ContractError::NotListed {
            kind: "market",
            id: market.to_string(),
        })?;
    if let AccountMode::Isolated { market: own } = mode {
        if own != market {
            return Err(ContractError::IsolatedElsewhere {
                market: own.clone(),
                traded: market.to_string(),
            });
        }
    }
    if let Some(e) = expiry(&m).filter(|e| *e <= env.block.time.seconds()) {
        return Err(ContractError::MarketExpired {
            market: market.to_string(),
            expiry: e,
        });
    }
    if size.is_zero() || price.is_zero() {
        return Err(ContractError::ZeroSizeOrPrice {});
    }
    let of = |_| ContractError::Overflow("what-if trade");
    let base_price = decimal(price)?
        .checked_mul(scale(config.settlement_decimals, 0))
        .map_err(of)?;
    let i = match positions.iter().position(|(id, _)| id == market) {
        Some(i) => i,
        None => {
            positions.push((
                market.to_string(),
                Position {
                    size: SignedDecimal::zero(),
                    entry_price: SignedDecimal::zero(),
                    funding_index: SignedDecimal::zero(),
                },
            ));
            positions.len() - 1
        }
    };
    // As in a real fill: funding due settles at the old size, the new size starts from the
    // market's current index.
    let cash = market_cash(deps, env, config, market, &m)?;
    let old = positions[i].1.clone();
    let (due, settled) = position_cash(config, &m, &old, &cash)?;
    let settled = settled.filter(|p| !p.size.is_zero());
    let index = settled
        .as_ref()
        .map(|p| p.funding_index)
        .unwrap_or_else(|| match &cash {
            MarketCash::Perp { funding, .. } => funding.cumulative,
            _ => SignedDecimal::zero(),
        });
    match next_position(settled, size, base_price)? {
        Some(p) => {
            positions[i].1 = Position {
                funding_index: index,
                ..p
            }
        }
        None => {
            positions.remove(i);
        }
    }
    let notional = size.checked_mul(base_price).map_err(of)?;
    let fee = notional
        .abs_diff(SignedDecimal::zero())
        .checked_mul(m.taker_fee)
        .map_err(of)?
        .to_uint_ceil();
    let fee = Int128::try_from(fee).map_err(|_| ContractError::Overflow("fee"))?;
    // Pays rounded up, receives rounded down; the fee rounds up; funding due is received.
    notional
        .to_int_ceil()
        .checked_add(fee)
        .and_then(|x| x.checked_sub(due))
        .map_err(of)
}
