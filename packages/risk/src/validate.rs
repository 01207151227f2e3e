//! Input validation: every value outside the supported range is a typed error.

use cosmwasm_std::SignedDecimal;

use crate::error::{RiskError, RiskResult};
use crate::model::{CollateralAsset, Instrument, Market, RiskContext, RiskParams, Underlying};

fn zero() -> SignedDecimal {
    SignedDecimal::zero()
}

fn one() -> SignedDecimal {
    SignedDecimal::one()
}

// Names are closures so that the happy path (every margin call) allocates nothing.
fn positive(what: impl FnOnce() -> String, v: SignedDecimal) -> RiskResult<()> {
    if v > zero() {
        Ok(())
    } else {
        Err(RiskError::NonPositivePrice {
            what: what(),
            value: v.to_string(),
        })
    }
}

fn in_range(
    name: impl FnOnce() -> String,
    v: SignedDecimal,
    lo: SignedDecimal,
    hi: SignedDecimal,
) -> RiskResult<()> {
    if v >= lo && v <= hi {
        Ok(())
    } else {
        Err(RiskError::param(
            name(),
            format!("{v} is outside [{lo}, {hi}]"),
        ))
    }
}

pub fn params(p: &RiskParams, underlyings: usize) -> RiskResult<()> {
    if p.z <= zero() {
        return Err(RiskError::param("z", "must be positive"));
    }
    if p.horizon_secs == 0 {
        return Err(RiskError::param("horizon_secs", "must be positive"));
    }
    if p.im_multiplier < one() {
        return Err(RiskError::param("im_multiplier", "must be at least 1"));
    }
    if p.extreme_multiple < one() {
        return Err(RiskError::param("extreme_multiple", "must be at least 1"));
    }
    if p.extreme_weight <= zero() || p.extreme_weight > one() {
        return Err(RiskError::param("extreme_weight", "must lie in (0, 1]"));
    }
    if p.stress < one() {
        return Err(RiskError::param(
            "stress",
            "must be at least 1: the breakdown move may not credit more than the data supports",
        ));
    }
    if p.max_vol <= zero() || p.max_vol > SignedDecimal::percent(2000) {
        return Err(RiskError::param("max_vol", "must lie in (0, 20]"));
    }
    if let Some(r) = p.reference {
        if r >= underlyings {
            return Err(RiskError::UnknownIndex {
                what: "reference underlying",
                index: r,
            });
        }
    }
    Ok(())
}

pub fn underlying(u: &Underlying, max_vol: SignedDecimal) -> RiskResult<()> {
    positive(|| format!("underlying {}", u.name), u.price)?;
    for vol in [u.vol, u.option_vol] {
        if vol <= zero() || vol > max_vol {
            return Err(RiskError::VolatilityOutOfRange {
                underlying: u.name.clone(),
                value: vol.to_string(),
                max: max_vol.to_string(),
            });
        }
    }
    in_range(|| "resid_vol".to_string(), u.resid_vol, zero(), max_vol)?;
    in_range(
        || "beta".to_string(),
        u.beta,
        SignedDecimal::from_ratio(-10, 1),
        SignedDecimal::from_ratio(10, 1),
    )?;
    in_range(|| "range_floor".to_string(), u.range_floor, zero(), one())?;
    in_range(|| "resid_floor".to_string(), u.resid_floor, zero(), one())?;
    in_range(
        || "vol_up".to_string(),
        u.vol_up,
        zero(),
        SignedDecimal::percent(500),
    )?;
    in_range(
        || "vol_jump".to_string(),
        u.vol_jump,
        zero(),
        SignedDecimal::percent(500),
    )?;
    in_range(
        || "vol_down".to_string(),
        u.vol_down,
        zero(),
        SignedDecimal::percent(99),
    )?;
    Ok(())
}

pub fn market(m: &Market, index: usize, underlyings: usize) -> RiskResult<()> {
    if m.underlying >= underlyings {
        return Err(RiskError::UnknownIndex {
            what: "underlying",
            index: m.underlying,
        });
    }
    let name = |f: &str| format!("market {index} {f}");
    in_range(
        || name("maintenance.base"),
        m.maintenance.base,
        zero(),
        one(),
    )?;
    in_range(|| name("initial.base"), m.initial.base, zero(), one())?;
    if m.maintenance.base >= m.initial.base {
        return Err(RiskError::param(
            name("maintenance.base"),
            format!(
                "maintenance {} must be below initial {}",
                m.maintenance.base, m.initial.base
            ),
        ));
    }
    for (f, maint, init) in [
        ("option_a", m.maintenance.option_a, m.initial.option_a),
        ("option_b", m.maintenance.option_b, m.initial.option_b),
    ] {
        in_range(|| name(f), maint, zero(), one())?;
        in_range(|| name(f), init, zero(), one())?;
        if maint > init {
            return Err(RiskError::param(
                name(f),
                "maintenance must not exceed initial",
            ));
        }
    }
    positive(|| name("depth"), m.depth)?;
    in_range(|| name("impact"), m.impact, zero(), one())?;
    in_range(
        || name("floor"),
        m.floor,
        zero(),
        m.maintenance.base.max(m.maintenance.option_b),
    )?;
    if let Instrument::Option { strike, .. } = &m.instrument {
        positive(|| name("strike"), *strike)?;
    }
    Ok(())
}

pub fn collateral(c: &CollateralAsset, underlyings: usize) -> RiskResult<()> {
    positive(|| format!("collateral {}", c.name), c.price)?;
    if c.weight <= zero() || c.weight > one() {
        return Err(RiskError::param(
            format!("collateral {} weight", c.name),
            format!("{} is outside (0, 1]", c.weight),
        ));
    }
    if let Some(link) = &c.link {
        if link.underlying >= underlyings {
            return Err(RiskError::UnknownIndex {
                what: "underlying",
                index: link.underlying,
            });
        }
        in_range(
            || "collateral beta".to_string(),
            link.beta,
            SignedDecimal::from_ratio(-10, 1),
            SignedDecimal::from_ratio(10, 1),
        )?;
    }
    Ok(())
}

impl RiskContext {
    /// Checks every parameter and price in the context (the engine itself checks only what
    /// an account uses, to stay fast).
    pub fn validate(&self) -> RiskResult<()> {
        params(&self.params, self.underlyings.len())?;
        for u in &self.underlyings {
            underlying(u, self.params.max_vol)?;
        }
        for (i, m) in self.markets.iter().enumerate() {
            market(m, i, self.underlyings.len())?;
        }
        for c in &self.collaterals {
            collateral(c, self.underlyings.len())?;
        }
        Ok(())
    }
}
