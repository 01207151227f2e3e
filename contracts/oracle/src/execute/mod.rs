pub mod admin;
pub mod push;
