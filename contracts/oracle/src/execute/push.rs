//! Feeders push prices; each push recomputes the asset's median from the fresh
//! submissions of its feeders and accepts it, holds it as a pending jump, or waits for
//! quorum and agreement.
//!
//! The acceptance rule. `support(x)` is the number of distinct feeders (one submission
//! each) whose fresh price lies within `max_jump` of x. With a quorum of fresh submissions
//! and median m:
//! 1. `support(m) < quorum`: no agreement, nothing changes (as below quorum). So every
//!    accepted price lies within `max_jump` of at least `quorum` feeders' prices: with two
//!    live feeders one cannot move their mean further than `max_jump` from the other's
//!    price, nor walk it there step by step.
//! 2. No accepted price yet, or m within `max_jump` of the last accepted price: accepted.
//! 3. Otherwise m is a jump. Accepted at once when `support(m) ≥ confirmations`.
//! 4. Otherwise accepted when a jump within `max_jump` of m was first held in an earlier
//!    block and `support(m) ≥ max(quorum, 2)` (1 only for a single-feeder asset): the jump
//!    persisted into a later block and at least two distinct feeders vouch for it, so one
//!    feeder — whether it pushed first, last or again — never confirms its own jump. (Who
//!    pushed is not what counts: an honest push that completes a quorum can be the one that
//!    "moves" the median.)
//! 5. Otherwise it is held (`Price` answers with an error). A held jump keeps the time it
//!    was first seen while the median stays within `max_jump` of it; a median that moves
//!    further is a new jump, seen now.
//!
//! With one of three feeders offline, a liar's far price (120,000 against an honest 60,000)
//! makes the mean of the two live prices (90,000) supported by neither: no agreement,
//! nothing accepted or held, and no later push by anyone changes that. A nearer price can
//! bias the accepted one by at most max_jump / (1 − max_jump) from the honest price (≈ 11.1 %
//! for a 10 % bound), since the honest price must lie within `max_jump` of it, and no
//! further, step by step or at once.

use ballast_risk::vol::{EwmaParams, Moments};
use cosmwasm_std::{Decimal, Deps, DepsMut, Env, Event, MessageInfo, Response, SignedDecimal};

use ballast_types::oracle::{AssetConfig, Submission};

use crate::error::{ContractError, ContractResult};
use crate::execute::admin::feeder_submissions;
use crate::median::{bounded_log_return, median_of, support, within};
use crate::state::{
    Accepted, Observation, Pending, ACCEPTED, ASSETS, PENDING_JUMP, REFERENCE, SUBMISSIONS,
    VOLATILITY,
};

/// Most submissions in one push: one per listed asset is the normal case.
pub const MAX_PUSH: usize = 50;

/// The largest price a feeder may submit: the largest signed decimal, what the margin
/// engine and the volatility sampler work in (≈ 1.7 · 10²⁰ whole settlement units).
pub fn max_price() -> Decimal {
    Decimal::new(SignedDecimal::MAX.atomics().unsigned_abs())
}

pub fn push(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    submissions: Vec<Submission>,
) -> ContractResult<Response> {
    if submissions.is_empty() {
        return Err(ContractError::EmptyPush {});
    }
    if submissions.len() > MAX_PUSH {
        return Err(ContractError::TooManySubmissions {
            count: submissions.len(),
            max: MAX_PUSH,
        });
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
        if s.price > max_price() {
            return Err(ContractError::PriceOutOfRange {
                asset: s.asset,
                price: s.price.to_string(),
                max: max_price().to_string(),
            });
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
        let outcome = aggregate(
            deps.branch(),
            now,
            &s.asset,
            stored.feeders.len(),
            &stored.config,
        )?;
        response = response.add_event(outcome.event(&s.asset));
    }
    Ok(response)
}

/// What a push did to the asset's answer.
enum Outcome {
    NoQuorum {
        fresh: usize,
    },
    /// Fewer than a quorum of fresh prices lie within `max_jump` of the median.
    NoAgreement {
        median: Decimal,
        support: usize,
    },
    Accepted {
        price: Decimal,
        how: &'static str,
    },
    Held {
        price: Decimal,
        last: Decimal,
        support: usize,
    },
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
            Outcome::NoAgreement { median, support } => e
                .add_attribute("result", "no_agreement")
                .add_attribute("median", median.to_string())
                .add_attribute("support", support.to_string()),
            Outcome::Held {
                price,
                last,
                support,
            } => e
                .add_attribute("result", "jump_held")
                .add_attribute("price", price.to_string())
                .add_attribute("last", last.to_string())
                .add_attribute("support", support.to_string()),
        }
    }
}

/// The fresh submissions of an asset and, with a quorum, their median.
pub struct Fresh {
    /// Fresh prices, ascending.
    pub prices: Vec<Decimal>,
    /// (median, oldest publish time among the fresh submissions), when a quorum is present.
    /// Even count: the mean of the middle two, rounded down (see [`median_of`]).
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
    let median = median_of(&prices).ok_or_else(|| ContractError::Overflow {
        asset: asset.to_string(),
        what: format!("median of {} prices", prices.len()),
    })?;
    let oldest = fresh.iter().map(|(_, t)| *t).min().unwrap_or(now);
    Ok(Fresh {
        prices,
        median: Some((median, oldest)),
    })
}

/// Fresh submissions within `max_jump` of a jump that confirm it in a later block: the
/// quorum, and never fewer than two distinct feeders when the asset has two or more.
fn later_confirmations(stored_feeders: usize, config: &AssetConfig) -> usize {
    (config.quorum as usize).max(2.min(stored_feeders))
}

fn aggregate(
    deps: DepsMut,
    now: u64,
    asset: &str,
    feeders: usize,
    config: &AssetConfig,
) -> ContractResult<Outcome> {
    let Fresh { prices, median } = fresh_median(deps.as_ref(), now, asset, config)?;
    let Some((median, oldest)) = median else {
        return Ok(Outcome::NoQuorum {
            fresh: prices.len(),
        });
    };
    // Distinct feeders: `prices` holds one submission per feeder (keyed by feeder).
    let support = support(&prices, median, config.max_jump);
    if support < config.quorum as usize {
        return Ok(Outcome::NoAgreement { median, support });
    }
    let how = match ACCEPTED.may_load(deps.storage, asset)? {
        None => "first",
        Some(l) if within(median, l.price, config.max_jump) => "within_bound",
        Some(_) if support >= config.confirmations as usize => "confirmed_by_feeders",
        Some(l) => {
            // The held jump this median continues (within `max_jump` of it), if any.
            let pending = PENDING_JUMP
                .may_load(deps.storage, asset)?
                .filter(|p| within(median, p.price, config.max_jump));
            match pending {
                Some(p) if p.seen_at < now && support >= later_confirmations(feeders, config) => {
                    "confirmed_by_later_update"
                }
                // Still the same jump: it keeps the block it was first seen in.
                Some(_) => {
                    return Ok(Outcome::Held {
                        price: median,
                        last: l.price,
                        support,
                    })
                }
                None => {
                    PENDING_JUMP.save(
                        deps.storage,
                        asset,
                        &Pending {
                            price: median,
                            publish_time: oldest,
                            seen_at: now,
                        },
                    )?;
                    return Ok(Outcome::Held {
                        price: median,
                        last: l.price,
                        support,
                    });
                }
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
            let elapsed = now.saturating_sub(last_time);
            // √(period / elapsed) ≤ 1 (elapsed ≥ period > 0), each step rounded down.
            let scale = Decimal::checked_from_ratio(config.period_secs, elapsed)
                .map_err(|e| ContractError::Overflow {
                    asset: asset.to_string(),
                    what: format!("sampling scale: {e}"),
                })?
                .sqrt();
            let scale = to_signed(scale)?;
            let scaled = |r: SignedDecimal| -> ContractResult<SignedDecimal> {
                Ok(r.checked_mul(scale).map_err(cosmwasm_std::StdError::from)?)
            };
            // Bounded returns (see `bounded_log_return`): no price pair can fail the sample.
            let r = scaled(bounded_log_return(asset, last_price, price)?)?;
            let r_ref = match (state.ref_price_at_sample, ref_price) {
                (Some(a), Some(b)) => Some(scaled(bounded_log_return(asset, a, b)?)?),
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
