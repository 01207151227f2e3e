//! Auto-deleveraging: the last step of the loss waterfall (DESIGN.md, step 5).
//!
//! When a liquidated account is bankrupt at the mark by more than the insurance pool holds,
//! auctioning its positions at a discount only deepens the hole. Instead they are closed
//! against opposite positions at the bankruptcy price: each counterparty takes part of a
//! lot position (only ever reducing its own) and pays its mark value plus a premium, its
//! share of the part of the deficit the pool cannot cover. The pool keeps what it holds for
//! the rest of the deficit (rounding, and the lot's collateral if it sells below the mark).
//!
//! Ranking every account on chain is unbounded, so the caller names up to `MAX_CANDIDATES`
//! accounts; this contract ranks them by profit × leverage and skips those that do not
//! qualify. The clearinghouse moves the positions, adds the mark value to the premium and
//! refuses a negative premium, one that would lift the account above zero, and one that
//! would leave the counterparty insolvent.

use std::collections::BTreeSet;

use cosmwasm_std::{
    from_json, to_json_binary, DepsMut, Env, Int128, Reply, Response, SignedDecimal, SubMsg,
    Uint128, WasmMsg,
};

use ballast_types::clearinghouse::wire::MarginView;
use ballast_types::clearinghouse::{
    AccountResponse, ExecuteMsg as ClearinghouseMsg, FillTerms, LotRef, LotResponse,
    QueryMsg as ClearinghouseQuery,
};
use ballast_types::insurance::wire::PoolQuery;
use ballast_types::liquidation::{AccountRef, Filled};
use ballast_types::liquidator::LotEventKind;

use crate::error::{ContractError, ContractResult};
use crate::execute::{active, record};
use crate::state::{ACTIVE, CONFIG, LOTS, PENDING_DELEVERAGE};
use crate::waterfall::{answer, cover, settings};

/// Reply id of a deleveraging fill.
pub const DELEVERAGE_REPLY: u64 = 5;

/// Candidates one call may name (each costs two queries of the clearinghouse).
pub const MAX_CANDIDATES: usize = 10;

fn overflow(what: &'static str) -> impl Fn(cosmwasm_std::OverflowError) -> ContractError {
    move |_| ContractError::Overflow(what)
}

fn units(amount: Int128) -> ContractResult<SignedDecimal> {
    SignedDecimal::from_atomics(amount, 0).map_err(|_| ContractError::Overflow("amount"))
}

fn abs(v: SignedDecimal) -> ContractResult<SignedDecimal> {
    SignedDecimal::try_from(v.abs_diff(SignedDecimal::zero()))
        .map_err(|_| ContractError::Overflow("value"))
}

fn ratio(a: SignedDecimal, b: SignedDecimal) -> ContractResult<SignedDecimal> {
    a.checked_div(b)
        .map_err(|_| ContractError::Overflow("ratio"))
}

/// A candidate as ranked: its account, its positions and its leverage.
struct Candidate {
    account: AccountRef,
    positions: AccountResponse,
    leverage: SignedDecimal,
    /// Equity (margin report) not yet charged as premiums in this call: a counterparty is
    /// never charged more than it has.
    equity: SignedDecimal,
}

pub fn deleverage(
    mut deps: DepsMut,
    env: Env,
    lot: u64,
    candidates: Vec<AccountRef>,
) -> ContractResult<Response> {
    let mut a = active(&deps, lot)?;
    if candidates.is_empty() || candidates.len() > MAX_CANDIDATES {
        return Err(ContractError::Candidates {
            max: MAX_CANDIDATES,
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let ch = config.clearinghouse.to_string();
    let querier = deps.querier;
    let l: LotResponse =
        querier.query_wasm_smart(&ch, &ClearinghouseQuery::Lot(LotRef { id: lot }))?;
    let value = l
        .value
        .ok_or_else(|| ContractError::Valuation("no fresh price for the lot".into()))?;
    let account: AccountResponse =
        querier.query_wasm_smart(&ch, &ClearinghouseQuery::Account(l.account.clone()))?;
    // Deleveraging prices the whole account: everything it holds must be in the lot, and
    // every position left in the lot must still be held (one settled at expiry meanwhile
    // would be counted twice; such a lot is left to the bidders).
    let whole = account.positions.iter().all(|p| {
        l.positions
            .iter()
            .any(|q| q.market == p.market && q.size == p.size)
    }) && l
        .positions
        .iter()
        .all(|q| q.size.is_zero() || account.positions.iter().any(|p| p.market == q.market))
        && account.collateral.iter().all(|h| {
            l.collateral
                .iter()
                .any(|c| c.collateral == h.collateral && c.amount == h.amount)
        });
    if !whole {
        return Err(ContractError::NotWholeAccount { lot });
    }
    // Equity at the mark: balance + funding/expiry cash it will settle + the lot's value.
    // Pending funding is as of the markets' last touch; the clearinghouse settles to now
    // before each take and refuses one that would lift the account above zero, so a stale
    // figure can only make a call fail (crank the market first), never overcharge.
    let mut equity = units(account.settlement)?
        .checked_add(value.value)
        .map_err(overflow("equity"))?;
    for p in &account.positions {
        equity = equity
            .checked_add(units(p.pending)?)
            .map_err(overflow("equity"))?;
    }
    if !equity.is_negative() {
        return Err(ContractError::NotBankrupt {
            equity: equity.to_string(),
        });
    }
    let deficit = abs(equity)?;
    let (_, insurance) = settings(deps.as_ref())?;
    let available: Uint128 = querier.query_wasm_smart(&insurance, &PoolQuery::Assets {})?;
    let available_units =
        units(Int128::try_from(available).map_err(|_| ContractError::Overflow("pool"))?)?;
    let socialize = deficit
        .checked_sub(available_units)
        .map_err(overflow("deficit"))?;
    if socialize <= SignedDecimal::zero() {
        return Err(ContractError::InsuranceSuffices {
            deficit: deficit.to_string(),
            available: available.to_string(),
        });
    }
    let mut gross = SignedDecimal::zero();
    for v in &value.positions {
        gross = gross.checked_add(abs(*v)?).map_err(overflow("gross"))?;
    }
    if gross.is_zero() {
        return Err(ContractError::NoCounterparty {});
    }

    // The candidates that can be deleveraged at all: solvent, not frozen, not the account.
    let mut seen = BTreeSet::new();
    let mut pool: Vec<Candidate> = vec![];
    let mut skipped: Vec<String> = vec![];
    for c in candidates {
        let key = (c.owner.clone(), c.sub_id);
        if c == l.account || !seen.insert(key) {
            continue;
        }
        let positions: Option<AccountResponse> = querier
            .query_wasm_smart(&ch, &ClearinghouseQuery::Account(c.clone()))
            .ok();
        let margin: Option<MarginView> = querier
            .query_wasm_smart(&ch, &ClearinghouseQuery::Margin(c.clone()))
            .ok();
        match (positions, margin) {
            (Some(positions), Some(m))
                if positions.lot.is_none() && m.equity > SignedDecimal::zero() =>
            {
                let leverage = ratio(m.gross_notional, m.equity)?;
                pool.push(Candidate {
                    account: c,
                    positions,
                    equity: m.equity,
                    leverage,
                })
            }
            _ => skipped.push(format!("{}/{}", c.owner, c.sub_id)),
        }
    }

    let mut fills = vec![];
    let mut all_closed = true;
    for (p, v) in l.positions.iter().zip(value.positions.iter()) {
        if p.size.is_zero() {
            continue;
        }
        let per_unit = ratio(*v, p.size)?;
        // This position's share of the deficit to socialize, by value (ratio first: the
        // product of two amounts in base units can overflow).
        let share = socialize
            .checked_mul(ratio(abs(*v)?, gross)?)
            .map_err(overflow("share"))?;
        // Ranked: profit × leverage of each candidate's opposite position here.
        let mut ranked = vec![];
        for (i, c) in pool.iter().enumerate() {
            let Some(q) = c.positions.positions.iter().find(|q| q.market == p.market) else {
                continue;
            };
            if q.size.is_negative() == p.size.is_negative() {
                continue;
            }
            let profit = q
                .size
                .checked_mul(
                    per_unit
                        .checked_sub(q.entry_price)
                        .map_err(overflow("profit"))?,
                )
                .map_err(overflow("profit"))?;
            if profit > SignedDecimal::zero() {
                let score = profit.checked_mul(c.leverage).map_err(overflow("score"))?;
                ranked.push((score, i, q.size, profit));
            }
        }
        ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
        let (mut left, mut owed) = (p.size, share);
        for (_, i, theirs, profit) in ranked {
            if left.is_zero() {
                break;
            }
            // The counterparty only ever reduces: at most its size, at most what is left.
            let take = if abs(theirs)? < abs(left)? {
                SignedDecimal::zero()
                    .checked_sub(theirs)
                    .map_err(overflow("size"))?
            } else {
                left
            };
            // Its premium: its part of what this position still owes, but never more than
            // its own profit on what it closes (it realises no loss against its entry) nor
            // than the equity it has left; rounded down (the clearinghouse adds the mark
            // value, also rounded down). What a cap leaves unpaid rolls on to the next
            // candidate; what is unpaid at the end stays with the deficit (pool, then
            // recorded bad debt).
            let nominal = owed
                .checked_mul(ratio(abs(take)?, abs(left)?)?)
                .map_err(overflow("premium"))?;
            let own_profit = profit
                .checked_mul(ratio(abs(take)?, abs(theirs)?)?)
                .map_err(overflow("premium"))?;
            let capped = nominal
                .min(own_profit)
                .min(pool[i].equity.max(SignedDecimal::zero()));
            let premium = capped.to_int_floor();
            let charged = units(premium)?;
            owed = owed.checked_sub(charged).map_err(overflow("premium"))?;
            pool[i].equity = pool[i]
                .equity
                .checked_sub(charged)
                .map_err(overflow("equity"))?;
            let counterparty = pool[i].account.clone();
            let fill = WasmMsg::Execute {
                contract_addr: ch.clone(),
                msg: to_json_binary(&ClearinghouseMsg::AuctionFill {
                    lot,
                    bidder: counterparty.clone(),
                    // All of what is left, as far as the counterparty's position absorbs it:
                    // the clearinghouse takes exactly `take`.
                    fraction: cosmwasm_std::Decimal::one(),
                    terms: FillTerms::Deleverage {
                        market: p.market.clone(),
                        premium,
                    },
                })?,
                funds: vec![],
            };
            // Each fill answers the account's deficit when it closes the lot.
            fills.push(SubMsg::reply_on_success(fill, DELEVERAGE_REPLY));
            let kind = LotEventKind::Deleveraged {
                counterparty,
                market: p.market.clone(),
                size: take,
                premium: premium.unsigned_abs(),
            };
            record(&mut deps, &env, lot, &mut a, kind)?;
            left = left.checked_sub(take).map_err(overflow("size"))?;
        }
        all_closed &= left.is_zero();
    }
    if fills.is_empty() {
        return Err(ContractError::NoCounterparty {});
    }
    // A lot of positions only is finished once they are all closed (the clearinghouse
    // closes its side in the same transaction).
    if all_closed && l.collateral.iter().all(|c| c.amount.is_zero()) {
        a.active = false;
        a.remaining = cosmwasm_std::Decimal::zero();
        ACTIVE.remove(deps.storage, lot);
    }
    LOTS.save(deps.storage, lot, &a)?;
    PENDING_DELEVERAGE.save(deps.storage, &lot)?;
    Ok(Response::new()
        .add_submessages(fills)
        .add_attribute("action", "deleverage")
        .add_attribute("lot", lot.to_string())
        .add_attribute("deficit", deficit.to_string())
        .add_attribute("insurance_available", available)
        .add_attribute("socialized", socialize.to_string())
        .add_attribute("skipped", skipped.join(",")))
}

/// A deleveraging fill went through; the one that closed the lot answers the account's
/// deficit (what the counterparties' premiums did not pay), which goes to the pool.
pub fn filled(deps: DepsMut, msg: Reply) -> ContractResult<Response> {
    let lot = PENDING_DELEVERAGE.load(deps.storage)?;
    let filled: Filled = from_json(answer(msg.result)?)?;
    if filled.deficit.is_zero() {
        return Ok(Response::new());
    }
    let account = LOTS.load(deps.storage, lot)?.account;
    cover(deps, account, filled.deficit)
}
