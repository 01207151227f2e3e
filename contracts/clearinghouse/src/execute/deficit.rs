//! Where losses and revenue leave the clearinghouse: a deficit settled with the cover the
//! liquidator obtained (the rest recorded as bad debt), the keeper's redo tip, the pool's
//! share of revenue. How much the pool covers is the liquidator's decision; this side only
//! bounds it (never more than the deficit, and only coins that arrived).

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, DepsMut, Env, Int128, MessageInfo, Order, Response,
    Storage, Uint128, WasmMsg,
};

use ballast_types::insurance::wire::PoolMsg;
use ballast_types::liquidation::LiquidationConfig;

use crate::error::{ContractError, ContractResult};
use crate::execute::liquidate::{charges, liquidation_config};
use crate::execute::lot::{lot_value, open_lot};
use crate::ledger;
use crate::margin::Snapshot;
use crate::state::{Config, ACCOUNTS, CONFIG, FEES, FROZEN, HOLDINGS, LOSSES, POSITIONS};

/// The liquidation settings of `config`, when `sender` is the liquidator.
pub fn ensure_liquidator(config: &Config, sender: &Addr) -> ContractResult<LiquidationConfig> {
    let liq = liquidation_config(config)?;
    if sender.as_str() != liq.liquidator {
        return Err(ContractError::NotLiquidator {});
    }
    Ok(liq)
}

/// The part of an account's negative balance not yet sent down the waterfall, when it holds
/// nothing else (no position, no collateral) and has no open lot; zero otherwise (a frozen
/// account's deficit goes down when its lot closes, even if expiry emptied the lot first).
/// Every path that can leave such a balance — an emptied lot, expiry or funding after a
/// liquidation, fees — reaches the liquidator's cover through `Filled::deficit` or `Seize`.
pub fn unrecorded_deficit(
    storage: &dyn Storage,
    owner: &Addr,
    sub_id: u32,
) -> ContractResult<Uint128> {
    if FROZEN.has(storage, (owner, sub_id)) {
        return Ok(Uint128::zero());
    }
    let Some(account) = ACCOUNTS.may_load(storage, (owner, sub_id))? else {
        return Ok(Uint128::zero());
    };
    let no_positions = POSITIONS
        .prefix((owner, sub_id))
        .keys(storage, None, None, Order::Ascending)
        .next()
        .is_none();
    let no_collateral = HOLDINGS
        .prefix((owner, sub_id))
        .keys(storage, None, None, Order::Ascending)
        .next()
        .is_none();
    if !no_positions || !no_collateral || !account.settlement.is_negative() {
        return Ok(Uint128::zero());
    }
    // A recorded debt was covered as far as the pool could when it was recorded.
    Ok(account
        .settlement
        .unsigned_abs()
        .saturating_sub(account.recorded_debt))
}

/// Liquidator only: settles an emptied account's deficit with the attached cover. The cover
/// is credited (at most the unrecorded deficit), the rest is recorded as bad debt: the
/// account keeps it as a negative balance that a later deposit pays first, and it is never
/// sent down the waterfall twice.
pub fn settle_deficit(
    deps: DepsMut,
    info: MessageInfo,
    owner: String,
    sub_id: u32,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    ensure_liquidator(&config, &info.sender)?;
    let covered = cw_utils::may_pay(&info, &config.settlement_denom)?;
    let owner = deps.api.addr_validate(&owner)?;
    let deficit = unrecorded_deficit(deps.storage, &owner, sub_id)?;
    if deficit.is_zero() {
        return Err(ContractError::NoDeficit {});
    }
    if covered > deficit {
        return Err(ContractError::CoverTooLarge { covered, deficit });
    }
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
    let mut account = ACCOUNTS.load(deps.storage, (&owner, sub_id))?;
    // Cannot overflow: recorded + uncovered ≤ |settlement|, and covered ≤ |settlement|.
    account.recorded_debt += uncovered;
    account.settlement +=
        Int128::try_from(covered).map_err(|_| ContractError::Overflow("covered"))?;
    ACCOUNTS.save(deps.storage, (&owner, sub_id), &account)?;
    Ok(Response::new()
        .add_attribute("action", "settle_deficit")
        .add_attribute("owner", owner)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("covered", covered)
        .add_attribute("bad_debt", uncovered))
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
    let liq = ensure_liquidator(&config, &info.sender)?;
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
