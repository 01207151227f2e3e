//! Owner actions: listing underlyings, collateral and markets, risk parameters, ownership.
//! Every parameter set is validated by the margin engine's own checks.

use ballast_risk::model::{CollateralAsset, RiskParams, Underlying};
use ballast_risk::validate;
use cosmwasm_std::{Addr, Decimal, DepsMut, MessageInfo, Order, Response, SignedDecimal, Storage};
use cw_storage_plus::Map;

use ballast_types::clearinghouse::{
    AssetInfo, CollateralConfig, FundingConfig, MarketConfig, RiskConfig, UnderlyingConfig,
};

use ballast_types::liquidation::LiquidationConfig;

use crate::error::{ContractError, ContractResult};
use crate::state::{
    COLLATERALS, COLLATERAL_BY_ASSET, CONFIG, MARKETS, MAX_COLLATERALS, MAX_DECIMALS, MAX_MARKETS,
    MAX_UNDERLYINGS, OPEN_INTEREST, UNDERLYINGS,
};

const MAX_ID: usize = 32;

pub fn ensure_owner(storage: &dyn Storage, sender: &Addr) -> ContractResult<()> {
    cw_ownable::assert_owner(storage, sender).map_err(|_| ContractError::Unauthorized {})
}

fn check_id(what: &str, id: &str) -> ContractResult<()> {
    if id.is_empty()
        || id.len() > MAX_ID
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(ContractError::InvalidConfig {
            what: format!("{what} id {id:?}"),
            reason: "1 to 32 characters of [A-Za-z0-9-_.]".into(),
        });
    }
    Ok(())
}

/// Refuses a new entry once `map` holds `max` (bounded count: at most max + 1 keys read).
fn ensure_room<T>(
    storage: &dyn Storage,
    map: &Map<&str, T>,
    id: &str,
    kind: &'static str,
    max: usize,
) -> ContractResult<()>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    if map.has(storage, id) {
        return Ok(());
    }
    let n = map
        .keys(storage, None, None, Order::Ascending)
        .take(max + 1)
        .count();
    if n >= max {
        return Err(ContractError::TooMany { kind, max });
    }
    Ok(())
}

/// The engine's parameters for a risk configuration at block time `now`, with the
/// reference given as an index (resolved by the caller).
pub fn risk_params(risk: &RiskConfig, now: u64, reference: Option<usize>) -> RiskParams {
    RiskParams {
        z: risk.z,
        horizon_secs: risk.horizon_secs,
        im_multiplier: risk.im_multiplier,
        extreme_multiple: risk.extreme_multiple,
        extreme_weight: risk.extreme_weight,
        stress: risk.stress,
        reference,
        max_vol: risk.max_vol,
        now,
    }
}

pub fn validate_risk(storage: &dyn Storage, risk: &RiskConfig) -> ContractResult<()> {
    if let Some(r) = &risk.reference {
        if !UNDERLYINGS.has(storage, r) {
            return Err(ContractError::NotListed {
                kind: "underlying",
                id: r.clone(),
            });
        }
    }
    validate::params(&risk_params(risk, 0, risk.reference.as_ref().map(|_| 0)), 1)?;
    Ok(())
}

pub fn set_risk(deps: DepsMut, info: MessageInfo, risk: RiskConfig) -> ContractResult<Response> {
    ensure_owner(deps.storage, &info.sender)?;
    validate_risk(deps.storage, &risk)?;
    CONFIG.update(deps.storage, |mut c| -> ContractResult<_> {
        c.risk = risk;
        Ok(c)
    })?;
    Ok(Response::new().add_attribute("action", "set_risk"))
}

pub fn validate_funding(f: &FundingConfig) -> ContractResult<()> {
    let bad = |what: &str, reason: &str| {
        Err(ContractError::InvalidConfig {
            what: format!("funding.{what}"),
            reason: reason.into(),
        })
    };
    if !(60..=86_400).contains(&f.period_secs) {
        return bad("period_secs", "between 60 and 86400 seconds");
    }
    if !(1..=1000).contains(&f.convergence_periods) {
        return bad("convergence_periods", "between 1 and 1000");
    }
    if f.max_rate > Decimal::percent(5) {
        return bad("max_rate", "at most 0.05 per period");
    }
    if f.trade_weight.is_zero() || f.trade_weight > Decimal::one() {
        return bad("trade_weight", "in (0, 1]");
    }
    if f.weight_notional.is_zero() {
        return bad("weight_notional", "positive");
    }
    Ok(())
}

pub fn set_funding(
    deps: DepsMut,
    info: MessageInfo,
    funding: FundingConfig,
) -> ContractResult<Response> {
    ensure_owner(deps.storage, &info.sender)?;
    validate_funding(&funding)?;
    CONFIG.update(deps.storage, |mut c| -> ContractResult<_> {
        c.funding = funding;
        Ok(c)
    })?;
    Ok(Response::new().add_attribute("action", "set_funding"))
}

pub fn set_liquidation(
    deps: DepsMut,
    info: MessageInfo,
    mut liquidation: LiquidationConfig,
) -> ContractResult<Response> {
    ensure_owner(deps.storage, &info.sender)?;
    liquidation.liquidator = deps.api.addr_validate(&liquidation.liquidator)?.to_string();
    liquidation.insurance = deps.api.addr_validate(&liquidation.insurance)?.to_string();
    if liquidation.penalty > Decimal::percent(10) {
        return Err(ContractError::InvalidConfig {
            what: "liquidation.penalty".into(),
            reason: "at most 0.1".into(),
        });
    }
    if liquidation.insurance_share > Decimal::one() {
        return Err(ContractError::InvalidConfig {
            what: "liquidation.insurance_share".into(),
            reason: "at most 1".into(),
        });
    }
    if liquidation.sizing_discount > Decimal::percent(50) {
        return Err(ContractError::InvalidConfig {
            what: "liquidation.sizing_discount".into(),
            reason: "at most 0.5".into(),
        });
    }
    CONFIG.update(deps.storage, |mut c| -> ContractResult<_> {
        c.liquidation = Some(liquidation);
        Ok(c)
    })?;
    Ok(Response::new().add_attribute("action", "set_liquidation"))
}

pub fn set_underlying(
    deps: DepsMut,
    info: MessageInfo,
    name: String,
    config: UnderlyingConfig,
) -> ContractResult<Response> {
    ensure_owner(deps.storage, &info.sender)?;
    check_id("underlying", &name)?;
    let max_vol = CONFIG.load(deps.storage)?.risk.max_vol;
    // Market data is not part of the configuration: check the parameters with a neutral quote.
    let probe = Underlying {
        name: name.clone(),
        price: SignedDecimal::one(),
        vol: max_vol,
        option_vol: max_vol,
        beta: SignedDecimal::one(),
        resid_vol: SignedDecimal::zero(),
        range_floor: config.range_floor,
        resid_floor: config.resid_floor,
        vol_up: config.vol_up,
        vol_jump: config.vol_jump,
        vol_down: config.vol_down,
    };
    validate::underlying(&probe, max_vol)?;
    ensure_room(
        deps.storage,
        &UNDERLYINGS,
        &name,
        "underlyings",
        MAX_UNDERLYINGS,
    )?;
    UNDERLYINGS.save(deps.storage, &name, &config)?;
    Ok(Response::new()
        .add_attribute("action", "set_underlying")
        .add_attribute("underlying", name))
}

pub fn set_collateral(
    deps: DepsMut,
    info: MessageInfo,
    id: String,
    config: CollateralConfig,
) -> ContractResult<Response> {
    ensure_owner(deps.storage, &info.sender)?;
    check_id("collateral", &id)?;
    let settlement = CONFIG.load(deps.storage)?.settlement_denom;
    let key = match &config.asset {
        AssetInfo::Native { denom } if *denom == settlement => {
            return Err(ContractError::InvalidConfig {
                what: format!("collateral {id}"),
                reason: "the settlement denom is the settlement balance, not a collateral".into(),
            })
        }
        AssetInfo::Native { denom } => ("native", denom.clone()),
        AssetInfo::Cw20 { address } => ("cw20", deps.api.addr_validate(address)?.to_string()),
    };
    let key = (key.0, key.1.as_str());
    if let Some(old) = COLLATERALS.may_load(deps.storage, &id)? {
        if old.asset != config.asset {
            return Err(ContractError::Immutable {
                what: format!("collateral {id} asset"),
            });
        }
    } else if COLLATERAL_BY_ASSET.has(deps.storage, key) {
        return Err(ContractError::InvalidConfig {
            what: format!("collateral {id}"),
            reason: format!("{} {} is already listed under another id", key.0, key.1),
        });
    }
    let link = match &config.link {
        Some(l) => {
            if !UNDERLYINGS.has(deps.storage, &l.underlying) {
                return Err(ContractError::NotListed {
                    kind: "underlying",
                    id: l.underlying.clone(),
                });
            }
            Some(ballast_risk::model::CollateralLink {
                underlying: 0,
                beta: l.beta,
            })
        }
        None => None,
    };
    let probe = CollateralAsset {
        name: id.clone(),
        price: SignedDecimal::one(),
        weight: SignedDecimal::try_from(config.weight)
            .map_err(|_| ContractError::Overflow("weight"))?,
        link,
    };
    validate::collateral(&probe, 1)?;
    if config.decimals > MAX_DECIMALS {
        return Err(ContractError::InvalidConfig {
            what: format!("collateral {id} decimals"),
            reason: "at most 18".into(),
        });
    }
    ensure_room(
        deps.storage,
        &COLLATERALS,
        &id,
        "collaterals",
        MAX_COLLATERALS,
    )?;
    COLLATERAL_BY_ASSET.save(deps.storage, key, &id)?;
    COLLATERALS.save(deps.storage, &id, &config)?;
    Ok(Response::new()
        .add_attribute("action", "set_collateral")
        .add_attribute("collateral", id))
}

pub fn set_market(
    deps: DepsMut,
    info: MessageInfo,
    id: String,
    config: MarketConfig,
) -> ContractResult<Response> {
    ensure_owner(deps.storage, &info.sender)?;
    check_id("market", &id)?;
    if !UNDERLYINGS.has(deps.storage, &config.underlying) {
        return Err(ContractError::NotListed {
            kind: "underlying",
            id: config.underlying.clone(),
        });
    }
    if config.price_band.is_zero() || config.price_band > Decimal::percent(50) {
        return Err(ContractError::InvalidConfig {
            what: format!("market {id} price_band"),
            reason: "in (0, 0.5]".into(),
        });
    }
    if let Some(old) = MARKETS.may_load(deps.storage, &id)? {
        if old.underlying != config.underlying || old.instrument != config.instrument {
            return Err(ContractError::Immutable {
                what: format!("market {id} underlying and instrument"),
            });
        }
        // Every open position is a whole number of old lots; it stays a whole number of
        // new lots (closable by orders, cut whole by liquidation) only if the new lot
        // divides the old. Any other change waits until nobody holds the market.
        let divides = old
            .lot_size
            .atomics()
            .u128()
            .checked_rem(config.lot_size.atomics().u128())
            == Some(0);
        let open = !OPEN_INTEREST
            .may_load(deps.storage, &id)?
            .unwrap_or_default()
            .is_zero();
        if open && !divides {
            return Err(ContractError::LotSizeChange {
                market: id,
                old: old.lot_size.to_string(),
                new: config.lot_size.to_string(),
            });
        }
    }
    let settlement_decimals = CONFIG.load(deps.storage)?.settlement_decimals;
    let probe = crate::margin::engine_market(&config, 0, settlement_decimals)?;
    validate::market(&probe, 0, 1)?;
    ensure_room(deps.storage, &MARKETS, &id, "markets", MAX_MARKETS)?;
    MARKETS.save(deps.storage, &id, &config)?;
    Ok(Response::new()
        .add_attribute("action", "set_market")
        .add_attribute("market", id))
}
