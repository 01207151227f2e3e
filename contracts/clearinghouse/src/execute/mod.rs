pub mod account;
pub mod admin;
pub mod callback;
pub mod funds;
pub mod trade;
