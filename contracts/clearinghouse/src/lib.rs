//! Ballast clearinghouse: the ledger. Owner-listed underlyings, collateral and markets;
//! accounts `(owner, sub_id)` in isolated, cross or portfolio mode; native and cw20
//! collateral in and out (withdrawals margin-checked); signed-order settlement inside a
//! price band; perp funding and expiry; margin reports on one snapshot of the account
//! (`margin`); liquidation, the auction's takes and deficits (`execute::liquidate`,
//! `execute::lot`, `execute::deficit`). Read-only lists live in the views contract.

pub mod contract;
pub mod error;
pub mod execute;
pub mod funding;
pub mod ledger;
pub mod margin;
pub mod query;
pub mod state;
