pub mod account;
pub mod admin;
pub mod callback;
pub mod crank;
pub mod funds;
pub mod liquidate;
pub mod trade;
