use cosmwasm_std::StdError;
use thiserror::Error;

pub type ContractResult<T> = Result<T, ContractError>;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("only the owner may do this")]
    Unauthorized {},

    #[error("no ownership transfer to {sender} is pending")]
    NotPendingOwner { sender: String },

    #[error("asset {asset} is not listed")]
    UnknownAsset { asset: String },

    #[error("{sender} is not a feeder of {asset}")]
    NotFeeder { asset: String, sender: String },

    #[error("price of {asset} must be positive")]
    ZeroPrice { asset: String },

    #[error("publish time {publish_time} of {asset} is in the future (block time {now})")]
    FutureSubmission {
        asset: String,
        publish_time: u64,
        now: u64,
    },

    #[error("publish time {publish_time} of {asset} is not after the feeder's last one ({last})")]
    OutdatedSubmission {
        asset: String,
        publish_time: u64,
        last: u64,
    },

    #[error(
        "price {price} of {asset} is out of range: at most {max} (the engine's signed decimal)"
    )]
    PriceOutOfRange {
        asset: String,
        price: String,
        max: String,
    },

    #[error("nothing to push")]
    EmptyPush {},

    #[error("too many submissions in one push: {count} (at most {max})")]
    TooManySubmissions { count: usize, max: usize },

    #[error("oracle messages take no funds; attached: {funds}")]
    FundsAttached { funds: String },

    #[error("arithmetic overflow on {asset}: {what}")]
    Overflow { asset: String, what: String },

    #[error("invalid configuration of {asset}: {reason}")]
    InvalidConfig { asset: String, reason: String },

    #[error("no price has been accepted for {asset} yet")]
    NoPrice { asset: String },

    #[error("price of {asset} is stale: published at {publish_time}, older than {staleness_secs} s at {now}")]
    StalePrice {
        asset: String,
        publish_time: u64,
        staleness_secs: u64,
        now: u64,
    },

    #[error("price of {asset} jumped to {pending} from {last}: held until confirmed")]
    JumpPending {
        asset: String,
        last: String,
        pending: String,
    },

    #[error("too many assets in one query: {count} (at most {max})")]
    TooManyAssets { count: usize, max: usize },

    #[error("margin engine: {0}")]
    Risk(#[from] ballast_risk::error::RiskError),

    #[error("cannot migrate from {from_contract} {from_version} to {to_version}")]
    BadMigration {
        from_contract: String,
        from_version: String,
        to_version: String,
    },
}
