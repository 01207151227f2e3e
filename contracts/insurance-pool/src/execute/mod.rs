//! One module per action.

pub mod admin;
pub mod backstop;
pub mod cover;
pub mod deposit;
pub mod funds;
pub mod revenue;
pub mod withdraw;
