//! The Dutch auction of seized lots: bids, redos with the backstop, the curve (owner).

use cosmwasm_std::{
    from_json, to_json_binary, Addr, Decimal, Deps, DepsMut, Env, MessageInfo, Reply, Response,
    SignedDecimal, SubMsg, SubMsgResult, WasmMsg,
};

use ballast_types::clearinghouse::{
    AccountRef, ExecuteMsg as ClearinghouseMsg, FillTerms, LotRef, LotResponse, LotValue,
    QueryMsg as ClearinghouseQuery,
};
use ballast_types::liquidation::Filled;
use ballast_types::liquidator::{BackstopMsg, CurveConfig, LotEvent, LotEventKind};

use crate::curve::{factor, validate};
use crate::error::{ContractError, ContractResult};
use crate::state::{Auction, PendingBid, ACTIVE, CONFIG, HISTORY, LOTS, PENDING_BID, PENDING_REDO};
use crate::waterfall::{answer, cover};

pub fn record(
    deps: &mut DepsMut,
    env: &Env,
    lot: u64,
    a: &mut Auction,
    kind: LotEventKind,
) -> ContractResult<()> {
    let event = LotEvent {
        seq: a.events,
        time: env.block.time.seconds(),
        kind,
    };
    HISTORY.save(deps.storage, (lot, a.events), &event)?;
    a.events += 1;
    Ok(())
}

pub fn active(deps: &DepsMut, lot: u64) -> ContractResult<Auction> {
    match LOTS.may_load(deps.storage, lot)? {
        Some(a) if a.active => Ok(a),
        _ => Err(ContractError::NoActiveLot { lot }),
    }
}

/// What remains of the lot, valued by the clearinghouse at fresh prices now.
pub fn value_now(deps: Deps, lot: u64) -> ContractResult<LotValue> {
    let config = CONFIG.load(deps.storage)?;
    let r: LotResponse = deps
        .querier
        .query_wasm_smart(
            &config.clearinghouse,
            &ClearinghouseQuery::Lot(LotRef { id: lot }),
        )
        .map_err(|e| ContractError::Valuation(e.to_string()))?;
    r.value
        .ok_or_else(|| ContractError::Valuation("no fresh price for the lot".into()))
}

pub fn bid(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    lot: u64,
    sub_id: u32,
    fraction: Decimal,
    max_price: SignedDecimal,
) -> ContractResult<Response> {
    let mut a = active(&deps, lot)?;
    if fraction.is_zero() || fraction > Decimal::one() {
        return Err(ContractError::BadFraction {
            fraction: fraction.to_string(),
        });
    }
    let (f, over) = factor(&a.curve, env.block.time.seconds().saturating_sub(a.started))?;
    // A run that is over waits for a redo; only the backstop may still take it, at the
    // floor (`factor` is the cusp then), valued from a fresh mark like any bid.
    let config = CONFIG.load(deps.storage)?;
    if over && config.backstop.as_ref() != Some(&info.sender) {
        return Err(ContractError::NeedsRedo { lot });
    }
    // The clearinghouse values the lot at fresh marks, refuses a price above `max_price`,
    // and charges the bidder for exactly what moves at this factor; its answer (the
    // payment) is recorded in the reply.
    let fill = WasmMsg::Execute {
        contract_addr: config.clearinghouse.to_string(),
        msg: to_json_binary(&ClearinghouseMsg::AuctionFill {
            lot,
            bidder: AccountRef {
                owner: info.sender.to_string(),
                sub_id,
            },
            fraction,
            terms: FillTerms::Bid {
                factor: f,
                max_price,
            },
        })?,
        funds: vec![],
    };
    a.remaining = a
        .remaining
        .checked_mul(Decimal::one() - fraction)
        .map_err(|_| ContractError::Overflow("remaining"))?;
    if fraction == Decimal::one() {
        a.active = false;
        ACTIVE.remove(deps.storage, lot);
    }
    LOTS.save(deps.storage, lot, &a)?;
    PENDING_BID.save(
        deps.storage,
        &PendingBid {
            lot,
            bidder: info.sender.to_string(),
            sub_id,
            fraction,
        },
    )?;
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(fill, BID_REPLY))
        .add_attribute("action", "bid")
        .add_attribute("lot", lot.to_string())
        .add_attribute("bidder", info.sender)
        .add_attribute("fraction", fraction.to_string())
        .add_attribute("factor", f.to_string()))
}

/// Reply id of the clearinghouse's fill of a bid (its answer: the payment and, when the
/// take closed the lot, the account's deficit).
pub const BID_REPLY: u64 = 2;

/// The fill went through: the bid enters the lot's history with what the bidder paid (the
/// clearinghouse's answer; negative: received), and a deficit the lot's close revealed is
/// covered.
pub fn bid_filled(mut deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    let pending = PENDING_BID.load(deps.storage)?;
    PENDING_BID.remove(deps.storage);
    let filled: Filled = from_json(answer(msg.result)?)?;
    let mut a = LOTS.load(deps.storage, pending.lot)?;
    let paid = SignedDecimal::from_atomics(filled.payment, 0)
        .map_err(|_| ContractError::Overflow("payment"))?;
    let kind = LotEventKind::Bid {
        bidder: pending.bidder,
        sub_id: pending.sub_id,
        fraction: pending.fraction,
        paid,
    };
    record(&mut deps, &env, pending.lot, &mut a, kind)?;
    LOTS.save(deps.storage, pending.lot, &a)?;
    let response = match filled.deficit.is_zero() {
        true => Response::new(),
        // The take closed the lot and left the account short: the waterfall goes on.
        false => cover(deps, a.account, filled.deficit)?,
    };
    Ok(response
        .add_attribute("action", "bid_filled")
        .add_attribute("lot", pending.lot.to_string())
        .add_attribute("payment", filled.payment.to_string()))
}

/// Reply id of the backstop's answer to a redo.
pub const BACKSTOP_REPLY: u64 = 1;

pub fn redo(deps: DepsMut, env: Env, info: MessageInfo, lot: u64) -> ContractResult<Response> {
    let a = active(&deps, lot)?;
    let (_, over) = factor(&a.curve, env.block.time.seconds().saturating_sub(a.started))?;
    if !over {
        return Err(ContractError::StillRunning { lot });
    }
    let Some(backstop) = CONFIG.load(deps.storage)?.backstop else {
        return restart(deps, env, lot, info.sender);
    };
    // The backstop first: it bids for the whole lot at the floor (re-entering `bid`). Its
    // failure — an error anywhere in its bid, the margin check included — is undone by the
    // chain and answered by a plain restart in the reply; nothing is written here but the
    // note the reply needs.
    PENDING_REDO.save(deps.storage, &(lot, info.sender))?;
    let ask = WasmMsg::Execute {
        contract_addr: backstop.to_string(),
        msg: to_json_binary(&BackstopMsg::Backstop { lot })?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_submessage(SubMsg::reply_always(ask, BACKSTOP_REPLY))
        .add_attribute("action", "redo")
        .add_attribute("lot", lot.to_string())
        .add_attribute("backstop", backstop))
}

/// The backstop took the lot (nothing more to do: its bid was recorded and settled), or it
/// failed and the lot restarts as a plain redo, the keeper tipped.
pub fn backstop_answered(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    let (lot, keeper) = PENDING_REDO.load(deps.storage)?;
    PENDING_REDO.remove(deps.storage);
    let reason = match msg.result {
        // A backstop that answered without taking the lot leaves it to the restart too.
        SubMsgResult::Ok(_) if LOTS.load(deps.storage, lot)?.active => {
            "answered without taking the lot".to_string()
        }
        SubMsgResult::Ok(_) => {
            return Ok(Response::new()
                .add_attribute("action", "backstop_bid")
                .add_attribute("lot", lot.to_string()))
        }
        // A chain hands a reply only a short redacted code ("codespace: wasm, code: 5"); a
        // test chain the whole error.
        SubMsgResult::Err(reason) => reason,
    };
    Ok(restart(deps, env, lot, keeper)?.add_attribute("backstop_declined", reason))
}

/// A run restarted from a fresh mark; `keeper` gets the redo tip.
fn restart(mut deps: DepsMut, env: Env, lot: u64, keeper: Addr) -> ContractResult<Response> {
    let mut a = active(&deps, lot)?;
    let v = value_now(deps.as_ref(), lot)?;
    a.started = env.block.time.seconds();
    a.start_value = v.value;
    a.start_gross = v.gross;
    a.redos += 1;
    let kind = LotEventKind::Redo {
        keeper: keeper.to_string(),
    };
    record(&mut deps, &env, lot, &mut a, kind)?;
    LOTS.save(deps.storage, lot, &a)?;
    let config = CONFIG.load(deps.storage)?;
    let tip = WasmMsg::Execute {
        contract_addr: config.clearinghouse.to_string(),
        msg: to_json_binary(&ClearinghouseMsg::AuctionTip {
            lot,
            keeper: keeper.to_string(),
        })?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_message(tip)
        .add_attribute("action", "redo")
        .add_attribute("lot", lot.to_string())
        .add_attribute("keeper", keeper)
        .add_attribute("mark_value", v.value.to_string()))
}

pub fn set_backstop(
    deps: DepsMut,
    info: MessageInfo,
    backstop: Option<String>,
) -> ContractResult<Response> {
    cw_ownable::assert_owner(deps.storage, &info.sender)
        .map_err(|_| ContractError::Unauthorized {})?;
    let backstop = backstop.map(|b| deps.api.addr_validate(&b)).transpose()?;
    let named = backstop.as_ref().map(Addr::to_string).unwrap_or_default();
    CONFIG.update(deps.storage, |mut c| -> ContractResult<_> {
        c.backstop = backstop;
        Ok(c)
    })?;
    Ok(Response::new()
        .add_attribute("action", "set_backstop")
        .add_attribute("backstop", named))
}

pub fn set_curve(deps: DepsMut, info: MessageInfo, curve: CurveConfig) -> ContractResult<Response> {
    cw_ownable::assert_owner(deps.storage, &info.sender)
        .map_err(|_| ContractError::Unauthorized {})?;
    validate(&curve)?;
    CONFIG.update(deps.storage, |mut c| -> ContractResult<_> {
        c.curve = curve;
        Ok(c)
    })?;
    Ok(Response::new().add_attribute("action", "set_curve"))
}
