use cosmwasm_std::StdError;
use thiserror::Error;

pub type ContractResult<T> = Result<T, ContractError>;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Payment(#[from] cw_utils::PaymentError),

    #[error("{0}")]
    Std(#[from] StdError),

    #[error("only the owner may do this")]
    Unauthorized {},

    #[error("only the clearinghouse may start lots")]
    NotClearinghouse {},

    #[error("invalid curve: {reason}")]
    InvalidCurve { reason: String },

    #[error("lot {lot} already exists")]
    LotExists { lot: u64 },

    #[error("lot {lot} is unknown or finished")]
    NoActiveLot { lot: u64 },

    #[error("fraction must lie in (0, 1], got {fraction}")]
    BadFraction { fraction: String },

    #[error("lot {lot} is past its tail or under the cusp: it must be restarted with Redo")]
    NeedsRedo { lot: u64 },

    #[error("lot {lot} is still running: Redo only after its tail or under the cusp")]
    StillRunning { lot: u64 },

    #[error("cannot value the lot: {0}")]
    Valuation(String),

    #[error("give between 1 and {max} deleveraging candidates")]
    Candidates { max: usize },

    #[error("lot {lot} is not the whole of its account: deleveraging needs every position and collateral in the lot")]
    NotWholeAccount { lot: u64 },

    #[error("not bankrupt: the account's equity at the mark is {equity}")]
    NotBankrupt { equity: String },

    #[error(
        "no deleveraging needed: the insurance pool holds {available}, the deficit is {deficit}"
    )]
    InsuranceSuffices { deficit: String, available: String },

    #[error("no candidate holds an opposite, profitable position in the lot's markets")]
    NoCounterparty {},

    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),

    #[error("cannot migrate from {from_contract} {from_version} to {to_version}")]
    BadMigration {
        from_contract: String,
        from_version: String,
        to_version: String,
    },
}
