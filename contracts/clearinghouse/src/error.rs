use cosmwasm_std::{Int128, StdError, Uint128};
use thiserror::Error;

pub type ContractResult<T> = Result<T, ContractError>;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Payment(#[from] cw_utils::PaymentError),

    #[error("margin engine: {0}")]
    Risk(#[from] ballast_risk::error::RiskError),

    #[error("only the owner may do this")]
    Unauthorized {},

    #[error("no ownership transfer to {sender} is pending")]
    NotPendingOwner { sender: String },

    #[error("callbacks may only come from the contract itself, not {sender}")]
    CallbackNotFromSelf { sender: String },

    #[error("invalid {what}: {reason}")]
    InvalidConfig { what: String, reason: String },

    #[error("{kind} {id} is not listed")]
    NotListed { kind: &'static str, id: String },

    #[error("{what} cannot change once listed")]
    Immutable { what: String },

    #[error("too many {kind} listed (at most {max})")]
    TooMany { kind: &'static str, max: usize },

    #[error("account ({owner}, {sub_id}) already exists")]
    AccountExists { owner: String, sub_id: u32 },

    #[error("account ({owner}, {sub_id}) does not exist")]
    NoAccount { owner: String, sub_id: u32 },

    #[error("amount must be positive")]
    ZeroAmount {},

    #[error("denom {denom} is not a listed collateral")]
    UnlistedDenom { denom: String },

    #[error("cw20 token {token} is not a listed collateral")]
    UnlistedToken { token: String },

    #[error("deposit of {amount} {collateral} would exceed its cap {cap} (now {total})")]
    CapExceeded {
        collateral: String,
        amount: Uint128,
        total: Uint128,
        cap: Uint128,
    },

    #[error("withdrawal of {requested} {collateral} exceeds the balance {available}")]
    InsufficientBalance {
        collateral: String,
        requested: Uint128,
        available: Uint128,
    },

    #[error("withdrawal of {requested} settlement exceeds the positive balance {available}")]
    InsufficientSettlement {
        requested: Uint128,
        available: Int128,
    },

    #[error("account ({owner}, {sub_id}) would fall below initial margin: equity {equity}, required {required}")]
    BelowInitialMargin {
        owner: String,
        sub_id: u32,
        equity: String,
        required: String,
    },

    #[error("oracle: {0}")]
    Oracle(String),

    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),

    #[error("cannot migrate from {from_contract} {from_version} to {to_version}")]
    BadMigration {
        from_contract: String,
        from_version: String,
        to_version: String,
    },
}
