//! Where losses and revenue leave the clearinghouse: deficits to the insurance pool (or
//! recorded bad debt), the keeper's redo tip, the pool's share of revenue.

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, CosmosMsg, Deps, DepsMut, Env, Int128, MessageInfo, Order,
    Response, Uint128, WasmMsg,
};

use ballast_types::insurance::wire::{PoolMsg, PoolQuery};
use ballast_types::liquidation::LiquidationConfig;

use crate::error::{ContractError, ContractResult};
use crate::execute::liquidate::{charges, liquidation_config};
use crate::execute::lot::{lot_value, open_lot};
use crate::ledger;
use crate::margin::Snapshot;
use crate::state::{ACCOUNTS, CONFIG, FEES, HOLDINGS, LOSSES, POSITIONS};

/// What the insurance pool holds (all tranches); nothing when it cannot be asked, so a
/// broken pool records bad debt instead of blocking the auction.
pub fn insurance_available(deps: Deps, liq: &LiquidationConfig) -> Uint128 {
    deps.querier
        .query_wasm_smart(&liq.insurance, &PoolQuery::Assets {})
        .unwrap_or_default()
}

/// A deficit sent down the waterfall: the pool's message (when it pays anything), what it
/// covers and what is left as recorded bad debt.
pub struct Cover {
    msg: Option<CosmosMsg>,
    covered: Uint128,
    uncovered: Uint128,
}

impl Cover {
    pub fn into_response(self, response: Response) -> Response {
        let response = response
            .add_attribute("covered", self.covered)
            .add_attribute("bad_debt", self.uncovered);
        match self.msg {
            Some(msg) => response.add_message(msg),
            None => response,
        }
    }
}

/// When an account has nothing left but a negative balance not yet sent down the
/// waterfall, the insurance pool pays what it can of the new part (the tokens arrive in the
/// same transaction); the rest stays on the account as recorded bad debt, which a later
/// deposit pays first. None when there is no new deficit. Every path that can leave such a
/// balance — an emptied lot, expiry or funding after a liquidation, fees — ends here,
/// through the lot's close or `Liquidate` on the emptied account.
pub fn cover(
    deps: &mut DepsMut,
    liq: &LiquidationConfig,
    owner: &Addr,
    sub_id: u32,
) -> ContractResult<Option<Cover>> {
    let mut account = ACCOUNTS.load(deps.storage, (owner, sub_id))?;
    let empty = POSITIONS
        .prefix((owner, sub_id))
        .keys(deps.storage, None, None, Order::Ascending)
        .next()
        .is_none()
        && HOLDINGS
            .prefix((owner, sub_id))
            .keys(deps.storage, None, None, Order::Ascending)
            .next()
            .is_none();
    if !empty || !account.settlement.is_negative() {
        return Ok(None);
    }
    // Only what is not recorded yet: a recorded debt was covered as far as the pool could.
    let deficit = account
        .settlement
        .unsigned_abs()
        .saturating_sub(account.recorded_debt);
    if deficit.is_zero() {
        return Ok(None);
    }
    let covered = deficit.min(insurance_available(deps.as_ref(), liq));
    let uncovered = deficit - covered;
    let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
    losses.covered_by_insurance = losses
        .covered_by_insurance
        .checked_add(covered)
        .map_err(|_| ContractError::Overflow("covered"))?;
    losses.bad_debt = losses
        .bad_debt
        .checked_add(uncovered)
        .map_err(|_| ContractError::Overflow("bad debt"))?;
    LOSSES.save(deps.storage, &losses)?;
    // Cannot overflow: recorded + uncovered ≤ |settlement|, and covered ≤ |settlement|.
    account.recorded_debt += uncovered;
    account.settlement +=
        Int128::try_from(covered).map_err(|_| ContractError::Overflow("covered"))?;
    ACCOUNTS.save(deps.storage, (owner, sub_id), &account)?;
    let msg = if covered.is_zero() {
        None
    } else {
        Some(
            WasmMsg::Execute {
                contract_addr: liq.insurance.clone(),
                msg: to_json_binary(&PoolMsg::CoverShortfall { amount: covered })?,
                funds: vec![],
            }
            .into(),
        )
    };
    Ok(Some(Cover {
        msg,
        covered,
        uncovered,
    }))
}

/// The redo tip, charged to the lot's account. Like the keeper tip it never exceeds what
/// the account can pay — its equity, or the penalty rate on what the lot still holds when
/// that is more —, so restarting a dust lot again and again earns dust.
pub fn auction_tip(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
    keeper: String,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let liq = liquidation_config(&config)?;
    if info.sender.as_str() != liq.auction {
        return Err(ContractError::NotAuction {});
    }
    let lot = open_lot(deps.as_ref(), id)?;
    let keeper = deps.api.addr_validate(&keeper)?;
    let s = Snapshot::load(deps.as_ref(), &env, &lot.owner, lot.sub_id, None)?;
    let gross = lot_value(&s, &lot)?.gross;
    let (_, tip) = charges(&liq, liq.redo_tip, gross, s.report()?.equity)?;
    let mut response = Response::new()
        .add_attribute("action", "auction_tip")
        .add_attribute("lot", id.to_string())
        .add_attribute("keeper", keeper.to_string())
        .add_attribute("tip", tip);
    if !tip.is_zero() {
        ledger::add_settlement(
            deps.storage,
            &lot.owner,
            lot.sub_id,
            -Int128::try_from(tip).map_err(|_| ContractError::Overflow("tip"))?,
        )?;
        let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
        losses.keeper_tips = losses
            .keeper_tips
            .checked_add(tip)
            .map_err(|_| ContractError::Overflow("tips"))?;
        LOSSES.save(deps.storage, &losses)?;
        response = response.add_message(BankMsg::Send {
            to_address: keeper.to_string(),
            amount: vec![Coin::new(tip, config.settlement_denom)],
        });
    }
    Ok(response)
}

/// Sends the insurance pool its share of everything earned so far less what it was sent
/// before: `floor((fees + sent) × share) − sent` (fees only fall by sweeps, so fees + sent
/// is all revenue ever earned; the floor keeps the dust with the protocol).
pub fn sweep_fees(deps: DepsMut) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let liq = liquidation_config(&config)?;
    let fees = FEES.may_load(deps.storage)?.unwrap_or_default();
    let mut losses = LOSSES.may_load(deps.storage)?.unwrap_or_default();
    let earned = fees
        .checked_add(losses.to_insurance)
        .map_err(|_| ContractError::Overflow("fees"))?;
    let due = earned
        .mul_floor(liq.insurance_share)
        .saturating_sub(losses.to_insurance)
        .min(fees);
    if due.is_zero() {
        return Err(ContractError::NothingToSweep {});
    }
    FEES.save(deps.storage, &(fees - due))?;
    losses.to_insurance += due;
    LOSSES.save(deps.storage, &losses)?;
    Ok(Response::new()
        .add_message(WasmMsg::Execute {
            contract_addr: liq.insurance,
            msg: to_json_binary(&PoolMsg::DistributeRevenue {})?,
            funds: vec![Coin::new(due, config.settlement_denom)],
        })
        .add_attribute("action", "sweep_fees")
        .add_attribute("amount", due))
}
