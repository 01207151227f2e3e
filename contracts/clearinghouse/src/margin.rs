//! From stored state and one batched oracle query to the margin engine's input: the account
//! snapshot that every margin report, lot valuation and liquidation works on.
//!
//! Cost is linear in what the account holds: one read per position, market, underlying and
//! collateral, and a single oracle query (`Quotes`) for every price and volatility needed.
//! Liquidation evaluates many variants of one account on one snapshot, without reading
//! storage or asking the oracle again. The oracle refuses stale or unconfirmed prices, so a
//! report on stale data fails rather than acting on an old price.

use ballast_risk::engine::{equity, margin};
use ballast_risk::model::{
    Account as RiskAccount, CollateralAsset, CollateralLink, Holding as RiskHolding, Instrument,
    MarginMode, MarginReport, Market, Position as RiskPosition, RiskContext, Underlying,
};
use cosmwasm_std::{Addr, Decimal, Deps, DepsMut, Env, Int128, Order, SignedDecimal, Uint128};

use ballast_types::clearinghouse::{AccountMode, MarketConfig, UnderlyingConfig};
use ballast_types::oracle::wire::{Quote, QuotesQuery};

use crate::error::{ContractError, ContractResult};
use crate::execute::admin::risk_params;
use crate::funding::expiry;
use crate::ledger::{market_cash, position_cash, settle_position, MarketCash};
use crate::state::{
    Config, Position, ACCOUNTS, COLLATERALS, CONFIG, EXPIRY_PRICE, FUNDING, HOLDINGS, MARKETS,
    MAX_COLLATERALS, MAX_DECIMALS, MAX_POSITIONS, POSITIONS, UNDERLYINGS,
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

pub fn unsigned_units(amount: Uint128) -> ContractResult<SignedDecimal> {
    units(Int128::try_from(amount).map_err(|_| ContractError::Overflow("amount"))?)
}

/// A report figure (settlement base units) in whole settlement units for people: rounded
/// down to the base unit, e.g. `12345.678901` USDC.
pub fn whole(x: SignedDecimal, settlement_decimals: u8) -> String {
    SignedDecimal::from_atomics(x.to_int_floor(), settlement_decimals as u32)
        .map(|w| w.to_string())
        .unwrap_or_else(|_| x.to_string())
}

/// 10^settlement_decimals / 10^token_decimals: whole-unit prices to base-unit prices.
pub fn scale(settlement_decimals: u8, token_decimals: u8) -> SignedDecimal {
    let pow = |d: u8| 10i128.pow(d.min(MAX_DECIMALS) as u32);
    SignedDecimal::from_ratio(pow(settlement_decimals), pow(token_decimals))
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

/// Prices and volatilities of a set of assets, from one oracle query.
pub struct Quotes(Vec<Quote>);

impl Quotes {
    pub fn fetch(deps: Deps, oracle: &Addr, assets: &[String]) -> ContractResult<Quotes> {
        if assets.is_empty() {
            return Ok(Quotes(vec![]));
        }
        let q = deps
            .querier
            .query_wasm_smart(oracle, &QuotesQuery::Quotes { assets })
            .map_err(|e| ContractError::Oracle(e.to_string()))?;
        Ok(Quotes(q))
    }

    pub fn get(&self, asset: &str) -> ContractResult<&Quote> {
        self.0
            .iter()
            .find(|q| q.asset == asset)
            .ok_or_else(|| ContractError::Oracle(format!("no price for {asset}")))
    }
}

/// A position the account holds, with its market.
pub struct Held {
    pub id: String,
    pub market: MarketConfig,
    /// Funding settled to now (what the next touch would store).
    pub position: Position,
}

/// The account (or hypothetical parts) at fresh prices: its positions still live, its
/// collateral, its balance with pending funding and expiry cash settled, and the engine's
/// context for all of them. `held[i]` is the engine's market `i`, `holdings[j]` its
/// collateral `j`.
pub struct Snapshot {
    pub config: Config,
    pub mode: AccountMode,
    /// Settlement balance after pending funding and expiry cash, base units.
    pub settlement: Int128,
    pub held: Vec<Held>,
    pub holdings: Vec<(String, Uint128)>,
    /// Every stored position's market and what it settles against now (expired ones too):
    /// what `settle` writes.
    cash: Vec<(String, MarketConfig, MarketCash)>,
    ctx: RiskContext,
}

/// A dated market past expiry whose settlement price is fixed needs no price any more.
fn needs_price(deps: Deps, env: &Env, id: &str, m: &MarketConfig) -> bool {
    !matches!(expiry(m), Some(e) if e <= env.block.time.seconds()
        && EXPIRY_PRICE.has(deps.storage, id))
}

/// Underlyings (name, config) in first-use order.
#[derive(Default)]
struct Names(Vec<(String, UnderlyingConfig)>);

impl Names {
    fn index(&mut self, deps: Deps, name: &str) -> ContractResult<usize> {
        if let Some(i) = self.0.iter().position(|(n, _)| n == name) {
            return Ok(i);
        }
        let c =
            UNDERLYINGS
                .may_load(deps.storage, name)?
                .ok_or_else(|| ContractError::NotListed {
                    kind: "underlying",
                    id: name.to_string(),
                })?;
        self.0.push((name.to_string(), c));
        Ok(self.0.len() - 1)
    }
}

impl Snapshot {
    /// The stored account; `extra` adds a market it may not hold (at size zero), for a
    /// what-if trade.
    pub fn load(
        deps: Deps,
        env: &Env,
        owner: &Addr,
        sub_id: u32,
        extra: Option<&str>,
    ) -> ContractResult<Snapshot> {
        let account = ACCOUNTS
            .may_load(deps.storage, (owner, sub_id))?
            .ok_or_else(|| ContractError::NoAccount {
                owner: owner.to_string(),
                sub_id,
            })?;
        let holdings = HOLDINGS
            .prefix((owner, sub_id))
            .range(deps.storage, None, None, Order::Ascending)
            .take(MAX_COLLATERALS)
            .collect::<Result<_, _>>()?;
        let positions = POSITIONS
            .prefix((owner, sub_id))
            .range(deps.storage, None, None, Order::Ascending)
            .take(MAX_POSITIONS)
            .collect::<Result<_, _>>()?;
        Self::build(
            deps,
            env,
            CONFIG.load(deps.storage)?,
            account.mode,
            account.settlement,
            holdings,
            positions,
            extra,
        )
    }

    /// `load`, then what it settled written to storage: funding accrued and expiry prices
    /// fixed in every market the account holds, its funding and expired positions settled
    /// into its balance. One oracle query for all of it.
    pub fn settle(
        deps: &mut DepsMut,
        env: &Env,
        owner: &Addr,
        sub_id: u32,
    ) -> ContractResult<Snapshot> {
        let s = Self::load(deps.as_ref(), env, owner, sub_id, None)?;
        for (id, m, cash) in &s.cash {
            match cash {
                MarketCash::Perp { funding, .. } => FUNDING.save(deps.storage, id, funding)?,
                MarketCash::Expired { price } => EXPIRY_PRICE.save(deps.storage, id, price)?,
                MarketCash::Live => {}
            }
            settle_position(deps.storage, &s.config, owner, sub_id, id, m, cash)?;
        }
        Ok(s)
    }

    /// A snapshot of the given parts (stored or hypothetical).
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        deps: Deps,
        env: &Env,
        config: Config,
        mode: AccountMode,
        settlement: Int128,
        holdings: Vec<(String, Uint128)>,
        mut positions: Vec<(String, Position)>,
        extra: Option<&str>,
    ) -> ContractResult<Snapshot> {
        if let Some(id) = extra.filter(|id| !positions.iter().any(|(p, _)| p == id)) {
            positions.push((
                id.to_string(),
                Position {
                    size: SignedDecimal::zero(),
                    entry_price: SignedDecimal::zero(),
                    funding_index: SignedDecimal::zero(),
                },
            ));
        }
        // 1. Read everything, and list the oracle assets needed.
        let mut names = Names::default();
        let mut markets = Vec::with_capacity(positions.len());
        for (id, _) in &positions {
            let m =
                MARKETS
                    .may_load(deps.storage, id)?
                    .ok_or_else(|| ContractError::NotListed {
                        kind: "market",
                        id: id.clone(),
                    })?;
            if needs_price(deps, env, id, &m) {
                names.index(deps, &m.underlying)?;
            }
            markets.push(m);
        }
        let mut collaterals = Vec::with_capacity(holdings.len());
        let holdings: Vec<(String, Uint128)> =
            holdings.into_iter().filter(|(_, a)| !a.is_zero()).collect();
        for (id, _) in &holdings {
            let c = COLLATERALS.load(deps.storage, id)?;
            if let Some(l) = &c.link {
                names.index(deps, &l.underlying)?;
            }
            collaterals.push(c);
        }
        // The reference matters only when some underlying is in play.
        let reference = match (&config.risk.reference, names.0.is_empty()) {
            (Some(r), false) => Some(names.index(deps, r)?),
            _ => None,
        };
        let mut assets: Vec<String> = vec![];
        for a in names
            .0
            .iter()
            .map(|(_, u)| &u.oracle_asset)
            .chain(collaterals.iter().map(|c| &c.oracle_asset))
        {
            if !assets.contains(a) {
                assets.push(a.clone());
            }
        }
        // 2. One oracle query.
        let quotes = Quotes::fetch(deps, &config.oracle, &assets)?;
        // 3. The engine's context.
        let (min_vol, max_vol) = (SignedDecimal::percent(MIN_VOL_PERCENT), config.risk.max_vol);
        let per_base = |price: Decimal, decimals: u8| -> ContractResult<SignedDecimal> {
            decimal(price)?
                .checked_mul(scale(config.settlement_decimals, decimals))
                .map_err(|_| ContractError::Overflow("price"))
        };
        let mut ctx = RiskContext {
            underlyings: Vec::with_capacity(names.0.len()),
            markets: vec![],
            collaterals: vec![],
            params: risk_params(&config.risk, env.block.time.seconds(), reference),
        };
        for (name, c) in &names.0 {
            let q = quotes.get(&c.oracle_asset)?;
            // σ outside what the engine accepts is clamped to its edges: zero (no history)
            // to the floor, absurd values to the engine's maximum, the most conservative.
            ctx.underlyings.push(Underlying {
                name: name.clone(),
                price: per_base(q.price, 0)?,
                vol: q.vol.clamp(min_vol, max_vol),
                option_vol: q.slow_vol.clamp(min_vol, max_vol),
                beta: q.beta,
                resid_vol: q.resid_vol.min(max_vol),
                range_floor: c.range_floor,
                resid_floor: c.resid_floor,
                vol_up: c.vol_up,
                vol_jump: c.vol_jump,
                vol_down: c.vol_down,
            });
        }
        for ((id, _), c) in holdings.iter().zip(&collaterals) {
            let link = match &c.link {
                Some(l) => Some(CollateralLink {
                    underlying: names.index(deps, &l.underlying)?,
                    beta: l.beta,
                }),
                None => None,
            };
            ctx.collaterals.push(CollateralAsset {
                name: id.clone(),
                price: per_base(quotes.get(&c.oracle_asset)?.price, c.decimals)?,
                weight: decimal(c.weight)?,
                link,
            });
        }
        // Funding due and expired positions are settled as the next touch would settle them.
        let mut s = Snapshot {
            settlement,
            held: vec![],
            holdings,
            cash: vec![],
            ctx,
            mode,
            config,
        };
        for ((id, p), m) in positions.into_iter().zip(markets) {
            let index = || -> ContractResult<Decimal> {
                let u = names.0.iter().find(|(n, _)| *n == m.underlying);
                let u = u.ok_or(ContractError::Overflow("underlying"))?;
                Ok(quotes.get(&u.1.oracle_asset)?.price)
            };
            let cash = market_cash(deps, env, &s.config, &id, &m, index)?;
            let (due, left) = position_cash(&s.config, &m, &p, &cash)?;
            s.settlement = s
                .settlement
                .checked_add(due)
                .map_err(|_| ContractError::Overflow("settlement"))?;
            if let Some(position) = left {
                let u = names.0.iter().position(|(n, _)| *n == m.underlying);
                let u = u.ok_or(ContractError::Overflow("underlying"))?;
                s.ctx
                    .markets
                    .push(engine_market(&m, u, s.config.settlement_decimals)?);
                s.held.push(Held {
                    id: id.clone(),
                    market: m.clone(),
                    position,
                });
            }
            s.cash.push((id, m, cash));
        }
        Ok(s)
    }

    /// The account's sizes, in `held` order.
    pub fn sizes(&self) -> Vec<SignedDecimal> {
        self.held.iter().map(|h| h.position.size).collect()
    }

    /// The account's collateral amounts, in `holdings` order.
    pub fn amounts(&self) -> Vec<Uint128> {
        self.holdings.iter().map(|(_, a)| *a).collect()
    }

    /// What `held[i]` settles against now (the oracle index of a perp).
    pub fn cash_of(&self, i: usize) -> Option<&MarketCash> {
        let id = &self.held.get(i)?.id;
        self.cash
            .iter()
            .find(|(c, _, _)| c == id)
            .map(|(_, _, cash)| cash)
    }

    /// The engine's report on the account as it is.
    pub fn report(&self) -> ContractResult<MarginReport> {
        self.report_with(self.settlement, &self.sizes(), &self.amounts())
    }

    /// The engine's report on the account with these sizes, amounts and balance. Each
    /// position's value is size × (mark − entry) and the balance is raised by Σ size × entry,
    /// the same equity as balance + Σ size × mark (entries only split it for display).
    pub fn report_with(
        &self,
        settlement: Int128,
        sizes: &[SignedDecimal],
        amounts: &[Uint128],
    ) -> ContractResult<MarginReport> {
        let mut account = RiskAccount {
            settlement: units(settlement)?,
            collateral: vec![],
            positions: vec![],
        };
        for (i, (h, size)) in self.held.iter().zip(sizes).enumerate() {
            if size.is_zero() {
                continue;
            }
            let entry = h.position.entry_price;
            account.settlement = size
                .checked_mul(entry)
                .and_then(|c| account.settlement.checked_add(c))
                .map_err(|_| ContractError::Overflow("cost basis"))?;
            account.positions.push(RiskPosition {
                market: i,
                size: *size,
                entry_price: entry,
            });
        }
        for (j, amount) in amounts.iter().enumerate() {
            if !amount.is_zero() {
                account.collateral.push(RiskHolding {
                    asset: j,
                    amount: unsigned_units(*amount)?,
                });
            }
        }
        let mode = match &self.mode {
            // Without its market among the positions, an index past the end names it.
            AccountMode::Isolated { market } => MarginMode::Isolated {
                market: self
                    .held
                    .iter()
                    .position(|h| h.id == *market)
                    .unwrap_or(self.held.len()),
            },
            AccountMode::Cross => MarginMode::Cross,
            AccountMode::Portfolio => MarginMode::Portfolio,
        };
        Ok(margin(&account, &self.ctx, &mode)?)
    }

    /// Mark value of `size` of `held[i]` now (options at their Black-76 marks), without the
    /// account's pending funding, settlement base units.
    pub fn position_value(&self, i: usize, size: SignedDecimal) -> ContractResult<SignedDecimal> {
        let account = RiskAccount {
            settlement: SignedDecimal::zero(),
            collateral: vec![],
            positions: vec![RiskPosition {
                market: i,
                size,
                entry_price: SignedDecimal::zero(),
            }],
        };
        Ok(equity(&account, &self.ctx)?)
    }

    /// Market value of `amount` of `holdings[j]` now (unweighted, settlement base units).
    pub fn collateral_value(&self, j: usize, amount: Uint128) -> ContractResult<SignedDecimal> {
        self.ctx.collaterals[j]
            .price
            .checked_mul(unsigned_units(amount)?)
            .map_err(|_| ContractError::Overflow("collateral value"))
    }

    /// Index of the position in market `id`, if held (or added as `extra`).
    pub fn position_index(&self, id: &str) -> Option<usize> {
        self.held.iter().position(|h| h.id == id)
    }

    /// The oracle index of `held[i]`'s underlying, settlement base units per unit.
    pub fn index(&self, i: usize) -> SignedDecimal {
        self.ctx.underlyings[self.ctx.markets[i].underlying].price
    }
}

/// The engine's report on the stored account.
pub fn account_report(
    deps: Deps,
    env: &Env,
    owner: &Addr,
    sub_id: u32,
) -> ContractResult<MarginReport> {
    Snapshot::load(deps, env, owner, sub_id, None)?.report()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_for_people_are_whole_units_rounded_down_to_the_base_unit() {
        let x: SignedDecimal = "12345678901.5".parse().unwrap();
        assert_eq!(whole(x, 6), "12345.678901");
        let y: SignedDecimal = "-1.5".parse().unwrap();
        assert_eq!(whole(y, 6), "-0.000002");
    }
}
