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

    #[error("market {market}: lot size {old} → {new} would strand open positions (only a divisor of the old lot while positions are open)")]
    LotSizeChange {
        market: String,
        old: String,
        new: String,
    },

    #[error("fill price {price} is outside the band [{low}, {high}] around the mark")]
    OutsideBand {
        price: String,
        low: String,
        high: String,
    },

    #[error("account ({owner}, {sub_id}) already holds the most positions allowed ({max})")]
    TooManyPositions {
        owner: String,
        sub_id: u32,
        max: usize,
    },

    #[error("this take would move nothing (its fraction rounds to zero whole lots)")]
    NothingMoves {},

    #[error("lot price {price} is above max_price {max_price}")]
    AboveMaxPrice { price: String, max_price: String },

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

    #[error("account ({owner}, {sub_id}) would fall below initial margin: equity {equity}, required {required} (whole settlement units)")]
    BelowInitialMargin {
        owner: String,
        sub_id: u32,
        equity: String,
        required: String,
    },

    #[error("order: {0}")]
    Order(#[from] ballast_types::order::OrderError),

    #[error("order signed for chain {signed_for}, this is {chain}")]
    WrongChain { signed_for: String, chain: String },

    #[error("order signed for contract {signed_for}, not this one")]
    WrongContract { signed_for: String },

    #[error("order expired at {expiry} (now {now})")]
    OrderExpired { expiry: u64, now: u64 },

    #[error("order {hash} was cancelled")]
    OrderCancelled { hash: String },

    #[error("order nonce {nonce} is below the account's minimum {min_nonce}")]
    NonceTooLow { nonce: u64, min_nonce: u64 },

    #[error("the minimum nonce can only rise: now {current}, asked {requested}")]
    NonceNotRaised { current: u64, requested: u64 },

    #[error("fill of {fill} exceeds the order's remaining size ({filled} of {order_size} filled)")]
    Overfill {
        order_size: String,
        filled: String,
        fill: String,
    },

    #[error(
        "prices do not cross: buy limit {buy_limit}, sell limit {sell_limit}, fill at {price}"
    )]
    NotCrossing {
        buy_limit: String,
        sell_limit: String,
        price: String,
    },

    #[error("price {price} is not a multiple of the tick {tick}")]
    OffTick { price: String, tick: String },

    #[error("size {size} is not a multiple of the lot {lot}")]
    OffLot { size: String, lot: String },

    #[error("size and price must be positive")]
    ZeroSizeOrPrice {},

    #[error("the two orders are for different markets")]
    MarketMismatch {},

    #[error("the two orders are on the same side")]
    SameSide {},

    #[error("self-trade: both orders belong to {owner}")]
    SelfTrade { owner: String },

    #[error("account is isolated in {market}, the order trades {traded}")]
    IsolatedElsewhere { market: String, traded: String },

    #[error("market {market} expired at {expiry}")]
    MarketExpired { market: String, expiry: u64 },

    #[error("open interest of {market} would be {open_interest}, above its cap {cap}")]
    OpenInterestCap {
        market: String,
        open_interest: String,
        cap: String,
    },

    #[error("market {market} has not expired and has no funding: nothing to crank")]
    NothingToCrank { market: String },

    #[error("market {market} is not a perpetual")]
    NotPerp { market: String },

    #[error("account holds {held}; an account isolated in {market} may hold only that market")]
    HoldsOtherMarkets { market: String, held: String },

    #[error("liquidation is not configured")]
    LiquidationNotConfigured {},

    #[error("account is healthy: equity {equity} is not below maintenance margin {maintenance} (whole settlement units)")]
    Healthy { equity: String, maintenance: String },

    #[error("nothing to liquidate: the account holds no positions or collateral")]
    NothingToLiquidate {},

    #[error("auto-deleveraging needs an opposite position of the bidder in {market}, and a lot position there")]
    NotOpposite { market: String },

    #[error("auto-deleveraging premium {premium} is negative, lifts the account above zero or leaves the counterparty insolvent")]
    DeleveragePremium { premium: String },

    #[error("no revenue to sweep to the insurance pool")]
    NothingToSweep {},

    #[error("account is frozen by liquidation lot {lot} until it is sold")]
    Frozen { lot: u64 },

    #[error("lot {lot} does not exist or is closed")]
    LotClosed { lot: u64 },

    #[error("only the liquidator contract may do this")]
    NotLiquidator {},

    #[error("the account has no deficit to settle: it still holds positions or collateral, its balance is not negative, or the deficit is already recorded")]
    NoDeficit {},

    #[error("a cover of {covered} is more than the deficit of {deficit}")]
    CoverTooLarge { covered: Uint128, deficit: Uint128 },

    #[error("fraction must lie in (0, 1], got {fraction}")]
    BadFraction { fraction: String },

    #[error("a bidder cannot take a lot of its own account")]
    SelfBid {},

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
