//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};

use ballast_types::clearinghouse::{
    AccountRef, AccountSetup, ExecuteMsg, InstantiateMsg, LotRef, MarketRef, MigrateMsg, QueryMsg,
    SubAccount,
};

use crate::error::{ContractError, ContractResult};
use crate::execute::{account, admin, callback, crank, deficit, funds, liquidate, lot, trade};
use crate::query;
use crate::query::WhatIf;
use crate::state::{Config, CONFIG, MAX_DECIMALS};

pub const CONTRACT_NAME: &str = "crates.io:ballast-clearinghouse";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = deps.api.addr_validate(&msg.owner)?;
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(owner.as_str()))?;
    if msg.risk.reference.is_some() {
        return Err(ContractError::InvalidConfig {
            what: "risk.reference".into(),
            reason: "list the underlying first, then set it with SetRisk".into(),
        });
    }
    admin::validate_risk(deps.storage, &msg.risk)?;
    admin::validate_funding(&msg.funding)?;
    if msg.settlement_denom.is_empty() {
        return Err(ContractError::InvalidConfig {
            what: "settlement_denom".into(),
            reason: "empty".into(),
        });
    }
    if msg.settlement_decimals > MAX_DECIMALS {
        return Err(ContractError::InvalidConfig {
            what: "settlement_decimals".into(),
            reason: "at most 18".into(),
        });
    }
    let config = Config {
        oracle: deps.api.addr_validate(&msg.oracle)?,
        settlement_denom: msg.settlement_denom,
        settlement_decimals: msg.settlement_decimals,
        risk: msg.risk,
        funding: msg.funding,
        liquidation: None,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Only deposits and the liquidator's covers take coins; anything attached to another
    // message would be kept off the ledger (and a cw20 `Receive` carries its tokens in the
    // message, not as coins).
    if !matches!(msg, ExecuteMsg::Deposit(_) | ExecuteMsg::SettleDeficit(_)) {
        cw_utils::nonpayable(&info)?;
    }
    match msg {
        ExecuteMsg::SetUnderlying { name, config } => {
            admin::set_underlying(deps, info, name, config)
        }
        ExecuteMsg::SetCollateral { id, config } => admin::set_collateral(deps, info, id, config),
        ExecuteMsg::SetMarket { id, config } => admin::set_market(deps, info, id, config),
        ExecuteMsg::SetRisk(risk) => admin::set_risk(deps, info, risk),
        ExecuteMsg::SetFunding(funding) => admin::set_funding(deps, info, funding),
        ExecuteMsg::CreateAccount(AccountSetup { sub_id, mode }) => {
            account::create_account(deps, info, sub_id, mode)
        }
        ExecuteMsg::SetMode(AccountSetup { sub_id, mode }) => {
            account::set_mode(deps, env, info, sub_id, mode)
        }
        ExecuteMsg::Crank { market, limit } => crank::crank(deps, env, market, limit),
        ExecuteMsg::SetLiquidation(config) => admin::set_liquidation(deps, info, config),
        ExecuteMsg::Seize {
            account: AccountRef { owner, sub_id },
            keeper,
        } => liquidate::seize(deps, env, info, owner, sub_id, keeper),
        ExecuteMsg::SettleDeficit(AccountRef { owner, sub_id }) => {
            deficit::settle_deficit(deps, info, owner, sub_id)
        }
        ExecuteMsg::AuctionFill {
            lot: id,
            bidder,
            fraction,
            terms,
        } => lot::auction_fill(deps, env, info, id, bidder, fraction, terms),
        ExecuteMsg::AuctionTip { lot: id, keeper } => {
            deficit::auction_tip(deps, env, info, id, keeper)
        }
        ExecuteMsg::SettleAccount(AccountRef { owner, sub_id }) => {
            crank::settle_account(deps, env, owner, sub_id)
        }
        ExecuteMsg::Deposit(SubAccount { sub_id }) => funds::deposit(deps, info, sub_id),
        ExecuteMsg::Receive(msg) => funds::receive(deps, info, msg),
        ExecuteMsg::Withdraw {
            sub_id,
            collateral,
            amount,
        } => funds::withdraw(deps, env, info, sub_id, collateral, amount),
        ExecuteMsg::SettleMatch {
            maker,
            taker,
            size,
            price,
        } => trade::settle_match(deps, env, info, maker, taker, size, price),
        ExecuteMsg::CancelOrder(order) => trade::cancel_order(deps, info, order),
        ExecuteMsg::SetMinNonce { sub_id, min_nonce } => {
            trade::set_min_nonce(deps, info, sub_id, min_nonce)
        }
        ExecuteMsg::SetAgent { sub_id, agent } => account::set_agent(deps, info, sub_id, agent),
        ExecuteMsg::SweepFees(_) => deficit::sweep_fees(deps),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)
                .map_err(|_| ContractError::Unauthorized {})?;
            Ok(Response::new().add_attributes(ownership.into_attributes()))
        }
        ExecuteMsg::Callback(msg) => callback::callback(deps, env, info, msg),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config(_) => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Market(MarketRef { market }) => to_json_binary(&query::market(deps, market)?)?,
        QueryMsg::Account(AccountRef { owner, sub_id }) => {
            to_json_binary(&query::account(deps, owner, sub_id)?)?
        }
        QueryMsg::Lot(LotRef { id }) => to_json_binary(&query::lot(deps, &env, id)?)?,
        QueryMsg::Margin(AccountRef { owner, sub_id }) => {
            to_json_binary(&query::margin(deps, &env, owner, sub_id, None)?)?
        }
        QueryMsg::WhatIfWithdraw {
            owner,
            sub_id,
            collateral,
            amount,
        } => to_json_binary(&query::margin(
            deps,
            &env,
            owner,
            sub_id,
            Some(WhatIf::Withdraw {
                collateral: &collateral,
                amount,
            }),
        )?)?,
        QueryMsg::WhatIfTrade {
            owner,
            sub_id,
            market,
            size,
            price,
        } => to_json_binary(&query::margin(
            deps,
            &env,
            owner,
            sub_id,
            Some(WhatIf::Trade {
                market: &market,
                size,
                price,
            }),
        )?)?,
        QueryMsg::RawRange { start, end, limit } => {
            to_json_binary(&query::raw_range(deps, start, end, limit))?
        }
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let stored = cw2::get_contract_version(deps.storage)?;
    if !migrate_allowed(&stored.contract, &stored.version) {
        return Err(ContractError::BadMigration {
            from_contract: stored.contract,
            from_version: stored.version,
            to_version: CONTRACT_VERSION.to_string(),
        });
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version))
}

/// The same contract, at this version or older.
pub fn migrate_allowed(contract: &str, version: &str) -> bool {
    ballast_types::version::migrate_allowed(contract, version, CONTRACT_NAME, CONTRACT_VERSION)
}
