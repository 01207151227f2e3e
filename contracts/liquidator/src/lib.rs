//! Ballast liquidator: the loss waterfall's policy in one place. `waterfall` starts it
//! (`Liquidate`: the clearinghouse seizes a lot) and ends it (the cover asked of the
//! insurance pool); `execute` runs the Dutch auction of each lot — its price falls from
//! above the mark to a floor, bidders take all or part of it, a lot past its tail is
//! restarted by a tipped keeper after the backstop is offered it —; `deleverage` closes a
//! bankrupt lot against opposite positions when the pool cannot cover it. The lot's items
//! and all money stay in the clearinghouse: this contract decides, prices, records and
//! tells the clearinghouse (and the pool) what to move. See README.md.

pub mod contract;
pub mod curve;
pub mod deleverage;
pub mod error;
pub mod execute;
pub mod query;
pub mod state;
pub mod waterfall;
