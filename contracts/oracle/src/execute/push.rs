//! Feeders push prices; each push recomputes the asset's median from the fresh
//! submissions of its feeders and accepts it, holds it as a pending jump, or waits for quorum.

use ballast_risk::vol::{log_return, EwmaParams, Moments};
use cosmwasm_std::{Decimal, Deps, DepsMut, Env, Event, MessageInfo, Response, SignedDecimal};

use ballast_types::oracle::{AssetConfig, Submission};

use crate::error::{ContractError, ContractResult};
use crate::execute::admin::feeder_submissions;
use crate::state::{
    Accepted, Observation, Pending, ACCEPTED, ASSETS, PENDING_JUMP, REFERENCE, SUBMISSIONS,
    VOLATILITY,
};

/// Most submissions in one push: one per listed asset is the normal case.
pub const MAX_PUSH: usize = 50;

pub fn push(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    submissions: Vec<Submission>,
) -> ContractResult<Response> {
    if submissions.is_empty() || submissions.len() > MAX_PUSH {
        return Err(ContractError::EmptyPush {});
    }
    let now = env.block.time.seconds();
    let mut response = Response::new().add_attribute("action", "push");
    for s in submissions {
        let stored = ASSETS.may_load(deps.storage, &s.asset)?.ok_or_else(|| {
            ContractError::UnknownAsset {
                asset: s.asset.clone(),
            }
        })?;
        if !stored.feeders.contains(&info.sender) {
            return Err(ContractError::NotFeeder {
                asset: s.asset,
                sender: info.sender.to_string(),
            });
        }
        if s.price.is_zero() {
            return Err(ContractError::ZeroPrice { asset: s.asset });
        }
        if s.publish_time > now {
            return Err(ContractError::FutureSubmission {
                asset: s.asset,
                publish_time: s.publish_time,
                now,
            });
        }
        if let Some(last) = SUBMISSIONS.may_load(deps.storage, (&s.asset, &info.sender))? {
            if s.publish_time <= last.publish_time {
                return Err(ContractError::OutdatedSubmission {
                    asset: s.asset,
                    publish_time: s.publish_time,
                    last: last.publish_time,
                });
            }
        }
        SUBMISSIONS.save(
            deps.storage,
            (&s.asset, &info.sender),
            &Observation {
                price: s.price,
                publish_time: s.publish_time,
            },
        )?;
        let outcome = aggregate(deps.branch(), now, &s.asset, &stored.config)?;
        response = response.add_event(outcome.event(&s.asset));
    }
    Ok(response)
}

/// What a push did to the asset's answer.
enum Outcome {
    NoQuorum { fresh: usize },
    Accepted { price: Decimal, how: &'static str },
    Held { price: Decimal, last: Decimal },
}

impl Outcome {
    fn event(&self, asset: &str) -> Event {
        let e = Event::new("oracle_update").add_attribute("asset", asset);
        match self {
            Outcome::NoQuorum { fresh } => e
                .add_attribute("result", "no_quorum")
                .add_attribute("fresh", fresh.to_string()),
            Outcome::Accepted { price, how } => e
                .add_attribute("result", "accepted")
                .add_attribute("price", price.to_string())
                .add_attribute("how", *how),
            Outcome::Held { price, last } => e
                .add_attribute("result", "jump_held")
                .add_attribute("price", price.to_string())
                .add_attribute("last", last.to_string()),
        }
    }
}

/// |a/b − 1| for b > 0.
fn deviation(a: Decimal, b: Decimal) -> ContractResult<Decimal> {
    let ratio = a
        .checked_div(b)
        .map_err(|e| cosmwasm_std::StdError::generic_err(e.to_string()))?;
    Ok(if ratio >= Decimal::one() {
        ratio - Decimal::one()
    } else {
        Decimal::one() - ratio
    })
}

/// The fresh submissions of an asset and, with a quorum, their median.
pub struct Fresh {
    /// Fresh prices, ascending.
    pub prices: Vec<Decimal>,
    /// (median, oldest publish time among the fresh submissions), when a quorum is present.
    /// Even count: the mean of the middle two, rounded down.
    pub median: Option<(Decimal, u64)>,
}

pub fn fresh_median(
    deps: Deps,
    now: u64,
    asset: &str,
    config: &AssetConfig,
) -> ContractResult<Fresh> {
    let mut fresh: Vec<(Decimal, u64)> = feeder_submissions(&deps, asset)?
        .into_iter()
        .map(|(_, o)| (o.price, o.publish_time))
        .filter(|(_, t)| t.saturating_add(config.staleness_secs) >= now)
        .collect();
    fresh.sort();
    let prices: Vec<Decimal> = fresh.iter().map(|(p, _)| *p).collect();
    if fresh.len() < config.quorum as usize {
        return Ok(Fresh {
            prices,
            median: None,
        });
    }
    let n = prices.len();
    let median = if n % 2 == 1 {
        prices[n / 2]
    } else {
        (prices[n / 2 - 1] + prices[n / 2]) / Decimal::from_ratio(2u8, 1u8)
    };
    let oldest = fresh.iter().map(|(_, t)| *t).min().unwrap_or(now);
    Ok(Fresh {
        prices,
        median: Some((median, oldest)),
    })
}

fn aggregate(
    deps: DepsMut,
    now: u64,
    asset: &str,
    config: &AssetConfig,
) -> ContractResult<Outcome> {
    let Fresh { prices, median } = fresh_median(deps.as_ref(), now, asset, config)?;
    let Some((median, oldest)) = median else {
        return Ok(Outcome::NoQuorum {
            fresh: prices.len(),
        });
    };
    let last = ACCEPTED.may_load(deps.storage, asset)?;
    let how = match &last {
        None => "first",
        Some(l) if deviation(median, l.price)? <= config.max_jump => "within_bound",
        Some(l) => {
            let agreeing = prices
                .iter()
                .filter(|p| {
                    deviation(**p, median)
                        .map(|d| d <= config.max_jump)
                        .unwrap_or(false)
                })
                .count();
            let pending = PENDING_JUMP.may_load(deps.storage, asset)?;
            if agreeing >= config.confirmations as usize {
                "confirmed_by_feeders"
            } else if let Some(p) = pending.filter(|p| p.seen_at < now) {
                if deviation(median, p.price)? <= config.max_jump {
                    "confirmed_by_later_update"
                } else {
                    return hold(deps, now, asset, median, oldest, l.price);
                }
            } else {
                return hold(deps, now, asset, median, oldest, l.price);
            }
        }
    };
    ACCEPTED.save(
        deps.storage,
        asset,
        &Accepted {
            price: median,
            publish_time: oldest,
            accepted_at: now,
        },
    )?;
    PENDING_JUMP.remove(deps.storage, asset);
    sample_volatility(deps, now, asset, median, config)?;
    Ok(Outcome::Accepted { price: median, how })
}

fn hold(
    deps: DepsMut,
    now: u64,
    asset: &str,
    price: Decimal,
    publish_time: u64,
    last: Decimal,
) -> ContractResult<Outcome> {
    // Reaching here means no earlier-block sighting of this jump exists (or the median moved
    // on to a different one): the confirmation must come from a later block than this one.
    PENDING_JUMP.save(
        deps.storage,
        asset,
        &Pending {
            price,
            publish_time,
            seen_at: now,
        },
    )?;
    Ok(Outcome::Held { price, last })
}

/// Folds the accepted price into the EWMA once per period. A gap of several periods is
/// one return over the whole gap, scaled to a per-period variance (r² · period / elapsed).
/// The covariance with the reference asset uses the reference's accepted prices at the two
/// sample times (the latest accepted when the sample is taken).
fn sample_volatility(
    deps: DepsMut,
    now: u64,
    asset: &str,
    price: Decimal,
    config: &AssetConfig,
) -> ContractResult<()> {
    let mut state = VOLATILITY
        .may_load(deps.storage, asset)?
        .unwrap_or_default();
    let reference = REFERENCE.may_load(deps.storage)?;
    let ref_price = match &reference {
        Some(r) if r == asset => Some(price),
        Some(r) => ACCEPTED.may_load(deps.storage, r)?.map(|a| a.price),
        None => None,
    };
    match state.last_sample {
        Some((last_price, last_time)) if now.saturating_sub(last_time) >= config.period_secs => {
            let elapsed = now - last_time;
            let scale = to_signed(Decimal::from_ratio(config.period_secs, elapsed).sqrt())?;
            let scaled = |r: SignedDecimal| -> ContractResult<SignedDecimal> {
                Ok(r.checked_mul(scale).map_err(cosmwasm_std::StdError::from)?)
            };
            let r = scaled(log_return(to_signed(last_price)?, to_signed(price)?)?)?;
            let r_ref = match (state.ref_price_at_sample, ref_price) {
                (Some(a), Some(b)) => Some(scaled(log_return(to_signed(a)?, to_signed(b)?)?)?),
                _ => None,
            };
            state.moments.update(&ewma(config)?, r, r_ref)?;
            state.last_sample = Some((price, now));
            state.ref_price_at_sample = ref_price;
        }
        Some(_) => {}
        None => {
            if let Some(prior) = config.initial_vol {
                state.moments = Moments::with_prior(to_signed(prior)?, config.period_secs)?;
            }
            state.last_sample = Some((price, now));
            state.ref_price_at_sample = ref_price;
        }
    }
    VOLATILITY.save(deps.storage, asset, &state)?;
    Ok(())
}

pub fn to_signed(d: Decimal) -> ContractResult<SignedDecimal> {
    SignedDecimal::try_from(d).map_err(|_| {
        ContractError::Std(cosmwasm_std::StdError::generic_err(
            "decimal out of signed range",
        ))
    })
}

pub fn ewma(config: &AssetConfig) -> ContractResult<EwmaParams> {
    Ok(EwmaParams {
        lambda_fast: to_signed(config.lambda_fast)?,
        lambda_slow: to_signed(config.lambda_slow)?,
        period_secs: config.period_secs,
    })
}
