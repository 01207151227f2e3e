//! Ballast views: the clearinghouse's read-only lists (underlyings, collateral, markets, an
//! owner's accounts), order status, totals and ownership, answered from the clearinghouse's
//! storage. Single keys are read with the chain's raw queries; lists through the
//! clearinghouse's `RawRange`. The query code is the clearinghouse's own (linked as a
//! library) running over [`remote::Remote`] storage, so no layout or logic is copied, and
//! the clearinghouse keeps its wasm for what moves funds.

pub mod contract;
pub mod remote;
