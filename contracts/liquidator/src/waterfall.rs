//! The start and the end of the loss waterfall: `Liquidate` (the clearinghouse seizes a lot,
//! its auction starts here) and the cover of a deficit (how much the insurance pool pays
//! is decided here; the clearinghouse credits it and records the rest as bad debt).
//!
//! Every step that needs an answer from another contract runs as a submessage whose reply
//! continues here, so the whole walk reads in this file:
//! `Liquidate` → clearinghouse `Seize` → [`seized`] → a lot starts, or [`cover`] →
//! pool `CoverShortfall` → [`covered`] → clearinghouse `SettleDeficit`.
//! A lot's last take (a bid, the backstop's bid, a deleveraging fill) answers the account's
//! new deficit, and its reply calls [`cover`] too.

use cosmwasm_std::{
    from_json, to_json_binary, Binary, Coin, Decimal, Deps, DepsMut, Empty, Env, Int128,
    MessageInfo, Order, Reply, Response, SubMsg, SubMsgResult, Uint128, WasmMsg,
};

use ballast_types::clearinghouse::wire::{ClearinghouseQuery, ConfigView, MarginView};
use ballast_types::clearinghouse::ExecuteMsg as ClearinghouseMsg;
use ballast_types::insurance::wire::{PoolMsg, PoolQuery};
use ballast_types::insurance::CoverResponse;
use ballast_types::liquidation::{AccountRef, Seized};
use ballast_types::liquidator::{KnownDeficits, LotEventKind, MAX_DEFICIT_LOTS};

use crate::error::{ContractError, ContractResult};
use crate::execute::record;
use crate::state::{Auction, ACTIVE, CONFIG, LOTS, PENDING_COVER, PENDING_SEIZE};

/// Reply id of the clearinghouse's `Seize`.
pub const SEIZE_REPLY: u64 = 3;
/// Reply id of the pool's `CoverShortfall`.
pub const COVER_REPLY: u64 = 4;

/// The data a successful submessage answered (the callee's `set_data`).
pub fn answer(result: SubMsgResult) -> ContractResult<Binary> {
    #[allow(deprecated)]
    let raw = match result {
        SubMsgResult::Ok(r) => match r.msg_responses.first() {
            Some(m) => Some(m.value.clone()),
            None => r.data,
        },
        SubMsgResult::Err(e) => return Err(ContractError::Valuation(e)),
    };
    raw.and_then(|d| cw_utils::parse_execute_response_data(&d).ok())
        .and_then(|r| r.data)
        .ok_or_else(|| ContractError::Valuation("the callee answered no data".into()))
}

/// Anyone (keepers): asks the clearinghouse to seize `account`; the keeper tip goes to the
/// caller. The clearinghouse refuses a healthy, frozen or empty account.
pub fn liquidate(
    deps: DepsMut,
    info: MessageInfo,
    account: AccountRef,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    deps.api.addr_validate(&account.owner)?;
    PENDING_SEIZE.save(deps.storage, &account)?;
    let seize = WasmMsg::Execute {
        contract_addr: config.clearinghouse.to_string(),
        msg: to_json_binary(&ClearinghouseMsg::Seize {
            account: account.clone(),
            keeper: info.sender.to_string(),
        })?,
        funds: vec![],
    };
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(seize, SEIZE_REPLY))
        .add_attribute("action", "liquidate")
        .add_attribute("account", format!("{}/{}", account.owner, account.sub_id))
        .add_attribute("keeper", info.sender))
}

/// The clearinghouse seized a lot (its auction starts now, from the value it was chosen
/// at) or found only a deficit (the pool is asked to cover it).
pub fn seized(mut deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    let account = PENDING_SEIZE.load(deps.storage)?;
    PENDING_SEIZE.remove(deps.storage);
    let (lot, value, gross, debt) = match from_json(answer(msg.result)?)? {
        Seized::Deficit { deficit } => return cover(deps, account, deficit),
        Seized::Lot {
            lot,
            value,
            gross,
            debt,
        } => (lot, value, gross, debt),
    };
    let config = CONFIG.load(deps.storage)?;
    if LOTS.has(deps.storage, lot) {
        return Err(ContractError::LotExists { lot });
    }
    let mut a = Auction {
        account,
        curve: config.curve,
        started: env.block.time.seconds(),
        start_value: value,
        start_gross: gross,
        debt,
        remaining: Decimal::one(),
        redos: 0,
        active: true,
        events: 0,
    };
    record(&mut deps, &env, lot, &mut a, LotEventKind::Start)?;
    LOTS.save(deps.storage, lot, &a)?;
    ACTIVE.save(deps.storage, lot, &())?;
    Ok(Response::new()
        .add_attribute("action", "start_lot")
        .add_attribute("lot", lot.to_string())
        .add_attribute("value", value.to_string())
        .add_attribute("gross", gross.to_string()))
}

/// The clearinghouse's settings: its settlement denom, and the insurance pool of its
/// liquidation settings (one source for both contracts).
pub fn settings(deps: Deps) -> ContractResult<(String, String)> {
    let ch = CONFIG.load(deps.storage)?.clearinghouse;
    let c: ConfigView = deps
        .querier
        .query_wasm_smart(&ch, &ClearinghouseQuery::Config(Empty {}))?;
    let pool = c
        .liquidation
        .map(|l| l.insurance)
        .ok_or_else(|| ContractError::Valuation("liquidation is not configured".into()))?;
    Ok((c.settlement_denom, pool))
}

/// The cover of `account`'s `deficit` (> 0; settlement base units, not yet sent down the
/// waterfall): the pool is asked for min(deficit, what it holds) — nothing when it cannot
/// be asked — and what it pays goes to the account with `SettleDeficit` in the reply, where
/// the rest is recorded as bad debt. A pool that fails leaves the deficit unrecorded for a
/// later `Liquidate` to retry; the step that revealed it (a bid's fill) still stands.
pub fn cover(deps: DepsMut, account: AccountRef, deficit: Uint128) -> ContractResult<Response> {
    let response = Response::new()
        .add_attribute("action", "cover")
        .add_attribute("account", format!("{}/{}", account.owner, account.sub_id))
        .add_attribute("deficit", deficit);
    let (denom, pool) = settings(deps.as_ref())?;
    let available: Uint128 = deps
        .querier
        .query_wasm_smart(&pool, &PoolQuery::Assets {})
        .unwrap_or_default();
    let asked = deficit.min(available);
    if asked.is_zero() {
        // Nothing to ask for: the whole deficit is recorded as bad debt now.
        return Ok(response
            .add_message(settle(deps.as_ref(), &account, &denom, Uint128::zero())?)
            .add_attribute("asked", "0"));
    }
    PENDING_COVER.save(deps.storage, &(account, denom))?;
    let ask = WasmMsg::Execute {
        contract_addr: pool,
        msg: to_json_binary(&PoolMsg::CoverShortfall { amount: asked })?,
        funds: vec![],
    };
    Ok(response
        .add_submessage(SubMsg::reply_always(ask, COVER_REPLY))
        .add_attribute("asked", asked))
}

/// The clearinghouse's `SettleDeficit` for `account` with `covered` of `denom` attached.
fn settle(
    deps: Deps,
    account: &AccountRef,
    denom: &str,
    covered: Uint128,
) -> ContractResult<WasmMsg> {
    let funds = match covered.is_zero() {
        true => vec![],
        false => vec![Coin::new(covered, denom)],
    };
    Ok(WasmMsg::Execute {
        contract_addr: CONFIG.load(deps.storage)?.clearinghouse.to_string(),
        msg: to_json_binary(&ClearinghouseMsg::SettleDeficit(account.clone()))?,
        funds,
    })
}

/// The pool answered: what it paid (it arrived with the answer) settles the deficit. A pool
/// that failed changed nothing (the chain undid it), and the deficit waits, unrecorded.
pub fn covered(deps: DepsMut, msg: Reply) -> ContractResult<Response> {
    let (account, denom) = PENDING_COVER.load(deps.storage)?;
    PENDING_COVER.remove(deps.storage);
    let paid = match &msg.result {
        SubMsgResult::Ok(_) => from_json::<CoverResponse>(answer(msg.result)?)?.covered,
        SubMsgResult::Err(reason) => {
            return Ok(Response::new()
                .add_attribute("action", "cover_failed")
                .add_attribute("reason", reason.clone()))
        }
    };
    Ok(Response::new()
        .add_message(settle(deps.as_ref(), &account, &denom, paid)?)
        .add_attribute("action", "covered")
        .add_attribute("covered", paid))
}

/// What the active lots' accounts are short at the mark (see `QueryMsg::KnownDeficits`).
pub fn known_deficits(deps: Deps) -> ContractResult<KnownDeficits> {
    let ch = CONFIG.load(deps.storage)?.clearinghouse;
    let ids: Vec<u64> = ACTIVE
        .keys(deps.storage, None, None, Order::Ascending)
        .take(MAX_DEFICIT_LOTS as usize)
        .collect::<Result<_, _>>()?;
    let mut d = KnownDeficits {
        complete: ids.len() < MAX_DEFICIT_LOTS as usize,
        ..KnownDeficits::default()
    };
    for id in ids {
        let a = LOTS.load(deps.storage, id)?;
        let margin: Option<MarginView> = deps
            .querier
            .query_wasm_smart(&ch, &ClearinghouseQuery::Margin(a.account))
            .ok();
        // max(0, −equity) with equity rounded down: the deficit rounds up.
        let deficit = match margin.map(|m| m.equity.to_int_floor()) {
            Some(e) if e < Int128::zero() => e.unsigned_abs(),
            Some(_) => Uint128::zero(),
            None => {
                d.unpriced += 1;
                a.debt
            }
        };
        // Saturating: a sum beyond u128 is beyond both tranches anyway.
        d.total = d.total.saturating_add(deficit);
        d.lots += 1;
    }
    Ok(d)
}
