//! Typed errors of the margin engine. Every input outside the supported range ends here,
//! never in a panic.

use thiserror::Error;

/// Result alias used throughout the engine.
pub type RiskResult<T> = Result<T, RiskError>;

#[derive(Error, Debug, Clone, PartialEq, Eq)]
pub enum RiskError {
    #[error("price of {what} must be positive, got {value}")]
    NonPositivePrice { what: String, value: String },

    #[error("volatility of underlying {underlying} is {value}: it must lie in (0, {max}]")]
    VolatilityOutOfRange {
        underlying: String,
        value: String,
        max: String,
    },

    #[error(
        "option in market {market} expired at {expiry}, now is {now}: it cannot be marked as live"
    )]
    OptionExpired {
        market: usize,
        expiry: u64,
        now: u64,
    },

    #[error(
        "future in market {market} expired at {expiry}, now is {now}: settle it before margining"
    )]
    FutureExpired {
        market: usize,
        expiry: u64,
        now: u64,
    },

    #[error("unknown {what} index {index}")]
    UnknownIndex { what: &'static str, index: usize },

    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter { name: String, reason: String },

    #[error("isolated account for market {market} holds a position in market {other}")]
    IsolationViolated { market: usize, other: usize },

    #[error("arithmetic overflow in {context}")]
    Overflow { context: &'static str },

    #[error("argument {value} outside the domain of {function}")]
    Domain {
        function: &'static str,
        value: String,
    },
}

impl RiskError {
    pub(crate) fn overflow(context: &'static str) -> Self {
        RiskError::Overflow { context }
    }

    pub(crate) fn param(name: impl Into<String>, reason: impl Into<String>) -> Self {
        RiskError::InvalidParameter {
            name: name.into(),
            reason: reason.into(),
        }
    }
}
