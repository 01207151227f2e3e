//! Ballast oracle: each listed asset has a set of feeders; the answer is the median of the
//! feeders' fresh submissions when a quorum is present, a jump beyond the asset's bound is
//! held until confirmed (by enough agreeing feeders at once, or by a later update), and a
//! stale answer is an error. Each accepted price feeds an EWMA volatility (fast and slow,
//! the margin engine's estimator). See README.md of the workspace.

pub mod contract;
pub mod error;
pub mod execute;
pub mod median;
pub mod query;
pub mod state;
