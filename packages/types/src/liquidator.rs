//! Messages of the liquidator: the whole loss-waterfall policy in one contract — when an
//! account is liquidated (`Liquidate`), the Dutch auction of its lot, restarts and their
//! tips, the backstop bid, the cover asked of the insurance pool, and auto-deleveraging.
//! The clearinghouse keeps the bounded primitives it calls (`Seize`, `AuctionFill`,
//! `AuctionTip`, `SettleDeficit`).
//!
//! A lot's price for a bidder is its mark value minus a discount on its gross value that
//! grows over time: `price = value − (1 − f(t)) · gross`, where the factor `f` starts at
//! `buf` (> 1: above the mark, so nobody wins a lot for nothing the moment it opens — the
//! lesson of MakerDAO's zero bids on 12 March 2020) and falls to `cusp` over `tail`
//! seconds, linearly or in exponential steps. A positive price is paid by the bidder to the
//! liquidated account; a negative one (a lot of short positions) is paid to the bidder.
//! Marks are the clearinghouse's, fresh at every bid.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Decimal, SignedDecimal, Uint128};

use crate::liquidation::AccountRef;

#[cw_serde]
pub enum Curve {
    /// f falls linearly from `buf` to `cusp` over `tail_secs`.
    Linear,
    /// f = buf · cut^⌊t / step_secs⌋, never below `cusp`.
    Exponential { step_secs: u64, cut: Decimal },
}

#[cw_serde]
pub struct CurveConfig {
    /// Starting factor, ≥ 1 and ≤ 2 (e.g. 1.05: 5 % over the mark).
    pub buf: Decimal,
    /// Floor factor, in (0, 1) (e.g. 0.8).
    pub cusp: Decimal,
    /// Seconds until the lot must be restarted (`Redo`), > 0.
    pub tail_secs: u64,
    /// How f falls between `buf` and `cusp`.
    pub curve: Curve,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Owner: sets the curve and the backstop (cw-ownable, two-step transfer).
    pub owner: String,
    /// The clearinghouse whose lots are auctioned and whose primitives are called.
    pub clearinghouse: String,
    /// The curve of lots started from now on (validated as in `SetCurve`).
    pub curve: CurveConfig,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone (keepers), when the account's equity is below maintenance margin at fresh
    /// prices: the clearinghouse seizes the smallest lot that restores initial margin
    /// (`Seize`), pays the caller the keeper tip, and the lot's Dutch auction starts. An
    /// account that holds nothing but a negative balance not yet sent down the waterfall
    /// goes to the insurance pool instead: the pool covers what it can, the rest is recorded
    /// as bad debt (no tip).
    Liquidate(AccountRef),
    /// Take `fraction` (0, 1] of what remains of `lot` into the sender's clearinghouse
    /// account `sub_id`, if the current price of the whole remainder is at most `max_price`
    /// (settlement base units). The account must pass initial margin afterwards.
    Bid {
        /// The lot (the clearinghouse's id).
        lot: u64,
        /// The sender's clearinghouse sub-account that receives what moves and pays for it.
        sub_id: u32,
        /// Share of what remains of the lot, in (0, 1]; 1 takes (and closes) the whole lot.
        fraction: Decimal,
        /// Most the bidder will pay for the whole remainder now, settlement base units
        /// (negative: the least it must receive).
        max_price: SignedDecimal,
    },
    /// Anyone, once a lot is past its tail or its factor is below the cusp. With a backstop
    /// configured, the backstop (the insurance pool) is first asked to take the whole lot at
    /// the floor — the cusp price of a fresh mark; if it declines or fails (no backstop
    /// account, initial margin, a collateral lot), or without a backstop, the lot restarts
    /// from a fresh mark and the caller gets the clearinghouse's redo tip.
    Redo {
        /// The lot to restart.
        lot: u64,
    },
    /// Anyone: auto-deleveraging, the last step of the loss waterfall. Allowed when the
    /// lot is the whole of its account, the account is bankrupt at the mark (balance, pending
    /// funding and lot value below zero) and the insurance pool holds less than the deficit.
    /// The lot's positions are closed against the `candidates`' opposite, profitable
    /// positions, highest profit × leverage first (profit: unrealised PnL at the mark;
    /// leverage: gross notional ÷ equity), each only ever reduced: the counterparty pays the
    /// mark value of what it takes plus its share of the deficit the pool cannot cover
    /// (shared over the lot's positions by value) — the bankruptcy price. At most 10
    /// candidates; those that do not qualify are skipped.
    Deleverage {
        /// The lot, which must be the whole of its bankrupt account.
        lot: u64,
        /// Accounts holding opposite positions in the lot's markets (1 to 10).
        candidates: Vec<AccountRef>,
    },
    /// Owner: the curve for lots started from now on.
    SetCurve {
        /// The new curve.
        curve: CurveConfig,
    },
    /// Owner: the backstop bidder (the insurance pool: it must answer `Backstop { lot }` by
    /// bidding), or `None` for none. Only the backstop may bid once a run is over, and only
    /// at the floor.
    SetBackstop {
        /// The backstop's address, or `None` for none.
        backstop: Option<String>,
    },
    UpdateOwnership(cw_ownable::Action),
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(cw_ownable::Ownership<String>)]
    Ownership {},
    /// One lot with its price now.
    #[returns(LotStatus)]
    Lot { lot: u64 },
    /// Active lots in id order with their prices now (limit ≤ 30).
    #[returns(Vec<LotStatus>)]
    Lots {
        /// Last lot id of the previous page.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// What happened to a lot: start, bids, redos (limit ≤ 30).
    #[returns(Vec<LotEvent>)]
    History {
        /// The lot.
        lot: u64,
        /// Last event sequence number of the previous page.
        start_after: Option<u32>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// What the active lots' accounts are short at the mark now, summed over the oldest
    /// page of them (`MAX_DEFICIT_LOTS`): the deficits the insurance pool can see coming.
    #[returns(KnownDeficits)]
    KnownDeficits {},
}

/// Active lots counted by `KnownDeficits` at most (one page).
pub const MAX_DEFICIT_LOTS: u32 = crate::pagination::MAX_LIMIT;

/// The deficits of the active lots: each lot's account at max(0, −equity) at fresh prices
/// (equity rounded down, so the deficit rounds up), or at its debt when it cannot be valued.
#[cw_serde]
#[derive(Default)]
pub struct KnownDeficits {
    /// Settlement base units (saturating).
    pub total: Uint128,
    /// Lots counted.
    pub lots: u32,
    /// Of those, lots counted at their debt because their account could not be valued.
    pub unpriced: u32,
    /// False when a full page was counted (newer lots may be open and were not).
    pub complete: bool,
}

#[cw_serde]
pub struct ConfigResponse {
    /// The clearinghouse whose lots are auctioned.
    pub clearinghouse: String,
    /// The curve of new lots.
    pub curve: CurveConfig,
    /// The backstop bidder asked at the floor before a redo, if any.
    pub backstop: Option<String>,
}

/// What the auction sends its backstop at the floor of a lot's run (the insurance pool's
/// `ExecuteMsg::Backstop` has this JSON); the backstop answers with a `Bid`.
#[cw_serde]
pub enum BackstopMsg {
    Backstop { lot: u64 },
}

#[cw_serde]
pub struct LotStatus {
    /// The lot (the clearinghouse's id).
    pub lot: u64,
    /// The liquidated account.
    pub account: AccountRef,
    /// When the current run (start or last redo) began.
    pub started: u64,
    /// Mark value and gross value at that start, settlement base units.
    pub start_value: SignedDecimal,
    /// Gross value at that start (Σ |item values|), settlement base units.
    pub start_gross: SignedDecimal,
    /// What the account owed after the penalty when the lot was seized, settlement base units.
    pub debt: Uint128,
    /// Share of the original lot still unsold.
    pub remaining: Decimal,
    /// The factor f now.
    pub factor: Decimal,
    /// Price of the whole remainder now (None when the clearinghouse cannot value it, e.g.
    /// a stale oracle).
    pub price: Option<SignedDecimal>,
    /// True when only `Redo` can move it on (past tail or under the cusp).
    pub needs_redo: bool,
    /// Restarts so far.
    pub redos: u32,
    /// False once the lot is sold or emptied.
    pub active: bool,
}

#[cw_serde]
pub enum LotEventKind {
    Start,
    Bid {
        /// The bidder's address.
        bidder: String,
        /// The bidder's sub-account that received the take.
        sub_id: u32,
        /// Share of what remained that was bid for.
        fraction: Decimal,
        /// What the bidder paid (negative: received), settlement base units.
        paid: SignedDecimal,
    },
    Redo {
        /// Who restarted the lot (and received the redo tip).
        keeper: String,
    },
    /// Part of a lot position closed against an opposite position by auto-deleveraging.
    Deleveraged {
        /// The account whose opposite position absorbed the take.
        counterparty: AccountRef,
        /// The market of the position.
        market: String,
        /// Signed size moved (the lot's side).
        size: SignedDecimal,
        /// Paid over the mark value: the counterparty's share of the deficit.
        premium: Uint128,
    },
}

#[cw_serde]
pub struct LotEvent {
    /// Position in the lot's history, from 0.
    pub seq: u32,
    /// Block time, seconds.
    pub time: u64,
    /// What happened.
    pub kind: LotEventKind,
}

/// What other contracts send the liquidator, serialized on their own (a contract that sends
/// one variant need not link the serializers of the whole `ExecuteMsg`); JSON equal to the
/// full message's (tested below).
pub mod wire {
    use cosmwasm_std::{Decimal, SignedDecimal};
    use serde::Serialize;

    /// `ExecuteMsg::Bid`, sent by the insurance pool as backstop bidder.
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AuctionMsg {
        Bid {
            /// As in `ExecuteMsg::Bid`.
            lot: u64,
            /// As in `ExecuteMsg::Bid`.
            sub_id: u32,
            /// As in `ExecuteMsg::Bid`.
            fraction: Decimal,
            /// As in `ExecuteMsg::Bid`.
            max_price: SignedDecimal,
        },
    }

    /// `QueryMsg::KnownDeficits`, asked by the insurance pool (its answer is
    /// `super::KnownDeficits`).
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum LiquidatorQuery {
        KnownDeficits {},
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use cosmwasm_std::to_json_binary;

        #[test]
        fn bid_and_known_deficits_match_the_shared_types() {
            use crate::liquidator::{ExecuteMsg, QueryMsg};
            let bid = AuctionMsg::Bid {
                lot: 9,
                sub_id: 3,
                fraction: Decimal::one(),
                max_price: SignedDecimal::MAX,
            };
            let shared = ExecuteMsg::Bid {
                lot: 9,
                sub_id: 3,
                fraction: Decimal::one(),
                max_price: SignedDecimal::MAX,
            };
            assert_eq!(
                to_json_binary(&bid).unwrap(),
                to_json_binary(&shared).unwrap()
            );
            assert_eq!(
                to_json_binary(&LiquidatorQuery::KnownDeficits {}).unwrap(),
                to_json_binary(&QueryMsg::KnownDeficits {}).unwrap()
            );
        }
    }
}
