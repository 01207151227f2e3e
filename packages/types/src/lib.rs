//! Shared types of the Ballast contracts: one module per contract holds its messages and
//! responses; the IBC packet types will live here too.

pub mod clearinghouse;
pub mod insurance;
pub mod liquidation;
pub mod liquidator;
pub mod oracle;
pub mod order;
pub mod pagination;
pub mod version;
pub mod views;
