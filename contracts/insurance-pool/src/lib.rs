//! Ballast insurance pool. Deposits of the settlement asset buy cw20 shares of a junior or a
//! senior tranche. Revenue (the clearinghouse's share of fees and liquidation penalties) is
//! split in proportion to `junior assets × (1 + tilt)` and `senior assets`. A withdrawal is
//! requested by sending shares to the pool, which locks them (they still bear losses and earn
//! revenue) and pays their value after a cool-down. Only the clearinghouse may draw on the
//! pool (`CoverShortfall`), junior tranche first; the answer states what was covered and what
//! was not. See "Insurance pool" in the workspace design notes.
//!
//! Accounting. Each tranche's assets are kept in the pool's own ledger, never read from its
//! bank balance, so a bank transfer straight to the pool moves no share price; the supply is
//! the share token's total supply. Shares are priced with one virtual share and one virtual
//! asset (OpenZeppelin ERC-4626 with a zero decimals offset) when minted, redeemed and
//! reported alike, so the first depositor cannot inflate the price against the next and a
//! round trip never gains; every division rounds in the pool's favour.
//!
//! Known deficits. Withdrawals are valued net of what the open liquidation lots are already
//! short at the mark (`deficit`): a holder whose request is unlocked cannot exit ahead of a
//! cover everyone can see coming and leave it to the others.
//!
//! Backstop. The pool can bid for lots at the floor of their run (asked by the auction
//! before a redo) into a clearinghouse account of its own, funded from the junior tranche,
//! whose equity counts in the junior value; an operator's agent key unwinds what it buys
//! with ordinary signed orders. See `book` for how covers stay junior-first meanwhile.

pub mod book;
pub mod contract;
pub mod deficit;
pub mod error;
pub mod execute;
pub mod math;
pub mod query;
pub mod setup;
pub mod state;
