//! Ballast clearinghouse: the ledger. Owner-listed underlyings, collateral and markets;
//! accounts `(owner, sub_id)` in isolated, cross or portfolio mode; deposits of native and
//! cw20 collateral; withdrawals that must leave the account at or above initial margin as
//! computed by `ballast-risk` from fresh oracle data. Trading, funding and expiry follow.

pub mod contract;
pub mod error;
pub mod execute;
pub mod funding;
pub mod ledger;
pub mod margin;
pub mod query;
pub mod state;
