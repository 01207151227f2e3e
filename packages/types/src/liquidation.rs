//! What the clearinghouse and the liquidator share: lots, their values and the answers of
//! the clearinghouse's liquidation primitives.
//!
//! A lot is the part of an account taken by `Seize` (sent by the liquidator's `Liquidate`):
//! positions (signed sizes) and collateral. It stays in the liquidated account, frozen,
//! until bidders take it; each take moves a fraction of what remains to the bidder's
//! account against a payment between the two accounts' settlement balances.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Decimal, SignedDecimal, Uint128};

/// An account of the clearinghouse.
#[cw_serde]
pub struct AccountRef {
    /// Owner address.
    pub owner: String,
    /// Sub-account number.
    pub sub_id: u32,
}

#[cw_serde]
pub struct LotPosition {
    /// The market id.
    pub market: String,
    /// Signed size still in the lot, units of the underlying.
    pub size: SignedDecimal,
}

#[cw_serde]
pub struct LotCollateral {
    /// The collateral id.
    pub collateral: String,
    /// Amount still in the lot, base units.
    pub amount: Uint128,
}

/// Liquidation parameters of the clearinghouse (owner `SetLiquidation`).
#[cw_serde]
pub struct LiquidationConfig {
    /// The liquidator contract: the only caller of the liquidation primitives (`Seize`,
    /// `AuctionFill`, `AuctionTip`, `SettleDeficit`).
    pub liquidator: String,
    /// The insurance pool: where `SweepFees` sends revenue, and whom the liquidator asks
    /// for covers.
    pub insurance: String,
    /// Penalty: fraction of the lot's gross mark value charged to the liquidated account
    /// (≤ 0.1); the keeper tip is paid out of it, the rest is protocol revenue.
    pub penalty: Decimal,
    /// Paid to the keeper who calls the liquidator's `Liquidate` (settlement base units),
    /// even when the account is underwater: the penalty is at least the tip.
    pub keeper_tip: Uint128,
    /// Paid to whoever restarts a stale auction (`Redo`), charged to the account.
    pub redo_tip: Uint128,
    /// The discount to the mark a lot is sized for (≤ 0.5): the part taken must leave the
    /// account at or above initial margin even when sold this far below the mark, so one
    /// auction usually suffices (at 0 a lot sold at any discount leaves the account short
    /// again and a second liquidation takes more).
    pub sizing_discount: Decimal,
    /// Share of the protocol's revenue — trading fees and liquidation penalties after keeper
    /// tips — that `SweepFees` sends to the insurance pool (≤ 1; the pool splits it between
    /// its tranches, tilted to the junior).
    pub insurance_share: Decimal,
}

/// A lot's value now, in settlement base units, at the oracle's fresh prices (options at
/// their Black-76 marks).
#[cw_serde]
pub struct LotValue {
    /// Σ item values: positions at size × mark, collateral at amount × price.
    pub value: SignedDecimal,
    /// Σ |item values|: what the auction's discount applies to.
    pub gross: SignedDecimal,
    /// Each position's value, in the lot's order (what auto-deleveraging shares the deficit
    /// by, and the mark per unit it ranks counterparties' profits at).
    pub positions: Vec<SignedDecimal>,
}

/// What `Seize` answers (its response data, JSON).
#[cw_serde]
pub enum Seized {
    /// A lot was taken and the account frozen: the lot's id, its value and gross value at
    /// the marks it was chosen at, and what the account owed after the penalty.
    Lot {
        /// The lot's id (clearinghouse).
        lot: u64,
        /// Σ item values at the marks the lot was chosen at, settlement base units.
        value: SignedDecimal,
        /// Σ |item values|, settlement base units.
        gross: SignedDecimal,
        /// What the account owed after the penalty (0 when its balance stayed positive),
        /// settlement base units.
        debt: Uint128,
    },
    /// The account holds nothing and its negative balance has `deficit` (settlement base
    /// units, > 0) not yet sent down the waterfall: the liquidator asks the pool to cover
    /// it and settles it with `SettleDeficit`.
    Deficit { deficit: Uint128 },
}

/// What `AuctionFill` answers (its response data, JSON).
#[cw_serde]
pub struct Filled {
    /// Paid by the bidder to the account (negative: received), settlement base units.
    pub payment: cosmwasm_std::Int128,
    /// When the fill closed the lot and left the account with nothing but a negative
    /// balance: the part of it not yet sent down the waterfall (else 0).
    pub deficit: Uint128,
}

/// Protocol-wide liquidation figures.
#[cw_serde]
#[derive(Default)]
pub struct LossesResponse {
    /// Lots seized.
    pub liquidations: u64,
    /// Penalties charged (keeper tips included), settlement base units.
    pub penalties: Uint128,
    /// Keeper tips paid (on seizure and on redo), settlement base units.
    pub keeper_tips: Uint128,
    /// Deficits the insurance pool paid.
    pub covered_by_insurance: Uint128,
    /// Deficits the pool could not pay: left on the accounts as recorded bad debt (a later
    /// deposit pays it first).
    pub bad_debt: Uint128,
    /// Deficits socialized by auto-deleveraging: what opposite positions paid over the mark
    /// when they were closed at bankruptcy prices (rounded up per take).
    #[serde(default)]
    pub socialized: Uint128,
    /// Positions closed by auto-deleveraging (one per counterparty and market).
    #[serde(default)]
    pub deleveraged: u64,
    /// Revenue sent to the insurance pool by `SweepFees`.
    #[serde(default)]
    pub to_insurance: Uint128,
}
