//! Shared types of the Ballast contracts.
//!
//! One module per contract holds its messages and events; the IBC packet types
//! live here too. Modules are added with the contracts that need them.
