//! Ballast liquidation auction: Dutch auctions of the lots the clearinghouse liquidates.
//! A lot's price falls from above its mark to a floor; bidders take all or part of it into
//! their clearinghouse accounts; a lot past its tail is restarted from a fresh mark by any
//! keeper, who is tipped. The lot's items and all money stay in the clearinghouse: this
//! contract prices, records and tells the clearinghouse what to move. See README.md.

pub mod contract;
pub mod curve;
pub mod deleverage;
pub mod error;
pub mod execute;
pub mod query;
pub mod state;
