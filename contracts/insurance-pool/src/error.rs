use cosmwasm_std::{
    CheckedMultiplyRatioError, ConversionOverflowError, DivideByZeroError, OverflowError, StdError,
    Uint128,
};
use thiserror::Error;

use ballast_types::insurance::Tranche;

pub type ContractResult<T> = Result<T, ContractError>;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Overflow(#[from] OverflowError),

    #[error("{0}")]
    DivideByZero(#[from] DivideByZeroError),

    #[error("{0}")]
    MultiplyRatio(#[from] CheckedMultiplyRatioError),

    #[error("{0}")]
    Conversion(#[from] ConversionOverflowError),

    #[error("{0}")]
    Payment(#[from] cw_utils::PaymentError),

    #[error("not allowed for this sender")]
    Unauthorized {},

    #[error("invalid configuration: {reason}")]
    InvalidConfig { reason: String },

    #[error("no funds sent: expected one coin of {denom}")]
    NoFunds { denom: String },

    #[error("wrong denom {got}: expected {expected}")]
    WrongDenom { expected: String, got: String },

    #[error("{count} coins sent: expected exactly one coin of {denom}")]
    SeveralDenoms { denom: String, count: usize },

    #[error("amount must be positive")]
    ZeroAmount {},

    #[error("a deposit of {amount} in the {tranche} tranche buys no share at the current price")]
    ZeroShares { tranche: Tranche, amount: Uint128 },

    #[error("the backstop account cannot be valued now: {0}")]
    BackstopValuation(String),

    #[error("no backstop: set one with SetBackstop (and an auction to bid in)")]
    NoBackstop {},

    #[error("the backstop account is sub-account {sub_id}; it cannot change")]
    BackstopAccountFixed { sub_id: u32 },

    #[error("the backstop declines lot {lot}: it holds collateral")]
    BackstopCollateral { lot: u64 },

    #[error("the clearinghouse is not set")]
    NoClearinghouse {},

    #[error("the {tranche} tranche holds {liquid} in coin, {needed} is needed (the rest is in the backstop account)")]
    Illiquid {
        tranche: Tranche,
        needed: Uint128,
        liquid: Uint128,
    },

    #[error("{shares} shares exceed the supply of {supply}")]
    SharesExceedSupply { shares: Uint128, supply: Uint128 },

    #[error("neither tranche has assets and shares: nobody would own the revenue")]
    NoRecipients {},

    #[error("{sender} is not a share token of this pool")]
    NotShareToken { sender: String },

    #[error("withdrawal request {id} does not exist")]
    UnknownWithdrawal { id: u64 },

    #[error("withdrawal request {id} belongs to someone else than {sender}")]
    NotRequestOwner { id: u64, sender: String },

    #[error("withdrawal request {id} unlocks at {unlock_at}, block time is {now}")]
    CooldownNotOver { id: u64, unlock_at: u64, now: u64 },

    #[error("withdrawal {id} expired at {expired_at}: cancel it and request again")]
    RequestExpired { id: u64, expired_at: u64 },

    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error("the {tranche} share token is already set")]
    TokenAlreadySet { tranche: Tranche },

    #[error("cannot read the share token address from the reply: {reason}")]
    BadInstantiateReply { reason: String },

    #[error("cannot migrate from {from_contract} {from_version} to {to_version}")]
    BadMigration {
        from_contract: String,
        from_version: String,
        to_version: String,
    },
}
