//! Messages of the insurance pool: depositors buy cw20 shares of a junior or a senior tranche,
//! revenue (a share of fees and liquidation penalties) is split towards the junior tranche,
//! withdrawals wait out a cool-down with their shares locked (still bearing losses), and only
//! the liquidator may draw on the pool to cover a shortfall, junior tranche first.
//!
//! Units. Every amount is an integer in base units of the settlement denom (`Uint128`); shares
//! are integers in base units of the tranche's cw20 token. A share's price is
//! (tranche assets + 1) / (shares + 1) — one virtual share and one virtual unit of assets
//! (ERC-4626 style, against first-depositor inflation) —, the same for deposits, withdrawals
//! and queries; 1 before the first deposit.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Decimal, Uint128};
use cw20::Cw20ReceiveMsg;

/// One of the pool's two tranches.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord, Hash)]
pub enum Tranche {
    /// First loss: pays shortfalls before the senior tranche and earns a larger share of the
    /// revenue (`junior_tilt`).
    Junior,
    /// Second loss: pays only once the junior tranche is exhausted.
    Senior,
}

impl Tranche {
    /// Both tranches, junior first (the order losses are taken in).
    pub const ALL: [Tranche; 2] = [Tranche::Junior, Tranche::Senior];

    /// Lower-case name, as used in storage keys, attributes and errors.
    pub fn as_str(&self) -> &'static str {
        match self {
            Tranche::Junior => "junior",
            Tranche::Senior => "senior",
        }
    }
}

impl std::fmt::Display for Tranche {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Owner: sets the clearinghouse, the cool-down and the revenue tilt (cw-ownable, two-step
    /// transfer).
    pub owner: String,
    /// Native denom of the settlement asset: the only denom deposited, earned and paid out.
    pub settlement_denom: String,
    /// The clearinghouse (of the backstop account); usually `None` at first and set with
    /// `UpdateConfig` once the clearinghouse is deployed.
    pub clearinghouse: Option<String>,
    /// The liquidator: the only address allowed to `CoverShortfall`, and the one whose
    /// `KnownDeficits` withdrawals are valued net of; set later like `clearinghouse`.
    pub liquidator: Option<String>,
    /// Code id of cw20-base, instantiated twice (junior and senior shares, 6 decimals) with
    /// the pool as the only minter.
    pub share_code_id: u64,
    /// Seconds between `RequestWithdraw` and the first block `Withdraw` may pay out
    /// (1 to 31,536,000).
    pub cooldown_secs: u64,
    /// Seconds after the cool-down during which `Withdraw` may pay out (3,600 to
    /// 31,536,000); a request left longer expires and must be cancelled and made again, so
    /// an unlocked request is not a free option to leave the moment a cover looks likely.
    pub withdraw_window_secs: u64,
    /// Extra revenue weight of the junior tranche: revenue is split in proportion to
    /// `junior assets × (1 + junior_tilt)` and `senior assets` (0 to 10).
    pub junior_tilt: Decimal,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Deposit exactly one coin of the settlement denom (positive amount) and receive newly
    /// minted shares of `tranche`: amount × (supply + 1) / (assets + 1), rounded down (at
    /// the full value: known deficits do not cheapen shares). Fails with `ZeroShares`
    /// instead of accepting a deposit that would buy no share.
    Deposit {
        /// The tranche whose shares are bought.
        tranche: Tranche,
    },
    /// Anyone (the clearinghouse with its share of fees and penalties): the attached
    /// settlement coin is split between the tranches by weight (see `junior_tilt`); a
    /// tranche without assets or without shares gets nothing. Fails if neither has both.
    DistributeRevenue {},
    /// Anyone: settlement coins sent to the pool by plain bank transfer (its balance above
    /// the tranches' assets) are distributed as revenue, like `DistributeRevenue`, instead of
    /// lying outside the ledger for ever. Fails when there is nothing stray.
    SweepStray {},
    /// cw20 hook: only the two share tokens are accepted; the sender's shares are handled as
    /// `ReceiveMsg` says.
    Receive(Cw20ReceiveMsg),
    /// Owner of a withdrawal request, after its cool-down: burns the locked shares and pays
    /// their value now, shares × (assets − deficit part + 1) / (supply + 1) rounded down,
    /// where the deficit part is the tranche's share of the open liquidation lots' known
    /// deficits (see `KnownDeficit`): a holder cannot leave ahead of a loss already visible.
    Withdraw {
        /// Id of the request (from the `request_withdraw` event).
        id: u64,
    },
    /// Owner of a withdrawal request, at any time: the locked shares are returned.
    CancelWithdraw {
        /// Id of the request.
        id: u64,
    },
    /// The liquidator only: pay up to `amount` to the liquidator (which settles the
    /// account's deficit with it), from the junior tranche first, then the senior one. The
    /// liquidator decides the amount; the pool pays what it holds in coin. Response data is a
    /// JSON [`CoverResponse`].
    CoverShortfall {
        /// The shortfall to cover, in settlement base units (positive).
        amount: Uint128,
    },
    /// Owner: the backstop. The pool opens clearinghouse account `sub_id` (cross margin)
    /// the first time — its equity belongs to the junior tranche — and names `agent` for it,
    /// the operator's key whose signed orders unwind what the pool buys (it cannot withdraw).
    /// `auction`: the liquidation auction whose floor bids the pool answers; `None` stops
    /// bidding (the account stays, still counted). `sub_id` cannot change once set.
    SetBackstop {
        /// The liquidator whose floor bids the pool answers (`None`: stop bidding).
        auction: Option<String>,
        /// The pool's clearinghouse sub-account (fixed once set).
        sub_id: u32,
        /// The operator's key that may sign orders for the account (`None`: none).
        agent: Option<String>,
    },
    /// Owner: move `amount` of the junior tranche's liquid assets into the backstop account
    /// (margin for what it buys).
    FundBackstop {
        /// Settlement base units (positive, at most the junior tranche's liquid assets).
        amount: Uint128,
    },
    /// Owner: withdraw `amount` of settlement from the backstop account back to the junior
    /// tranche (the clearinghouse's margin check applies); it first repays what the junior
    /// tranche owes the senior one.
    DefundBackstop {
        /// Settlement base units (positive).
        amount: Uint128,
    },
    /// The configured auction only, at the floor of a lot's run: bid for the whole lot into
    /// the backstop account. Lots holding collateral are declined (collateral finds buyers
    /// elsewhere; the backstop's agent could not sell it).
    Backstop {
        /// The lot (the clearinghouse's id).
        lot: u64,
    },
    /// Owner: change settings; a field left `None` is kept.
    UpdateConfig {
        /// New clearinghouse address.
        clearinghouse: Option<String>,
        /// New liquidator address.
        liquidator: Option<String>,
        /// New cool-down in seconds (1 to 31,536,000); applies to requests made afterwards.
        cooldown_secs: Option<u64>,
        /// New withdrawal window in seconds (3,600 to 31,536,000); applies to requests made
        /// afterwards.
        withdraw_window_secs: Option<u64>,
        /// New junior revenue tilt (0 to 10).
        junior_tilt: Option<Decimal>,
    },
    /// Two-step ownership transfer (cw-ownable): the owner proposes, the new owner accepts.
    UpdateOwnership(cw_ownable::Action),
}

/// The `msg` of a cw20 `Send` of shares to the pool.
#[cw_serde]
pub enum ReceiveMsg {
    /// Lock the sent shares in a withdrawal request of the sender, payable after the
    /// cool-down. Locked shares stay in the tranche's supply: they bear losses and earn
    /// revenue until withdrawn.
    RequestWithdraw {},
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
    /// One tranche's token, assets, supply and share price.
    #[returns(TrancheResponse)]
    Tranche {
        /// Which tranche.
        tranche: Tranche,
    },
    /// Both tranches, junior first.
    #[returns(Vec<TrancheResponse>)]
    Tranches {},
    /// What the pool can cover now: both tranches' assets, settlement base units.
    #[returns(cosmwasm_std::Uint128)]
    Assets {},
    /// Withdrawal requests in id order, of one owner or of everyone, paginated (limit ≤ 30).
    #[returns(Vec<WithdrawalResponse>)]
    PendingWithdrawals {
        /// Only this owner's requests; everyone's when `None`.
        owner: Option<String>,
        /// Requests with an id above this one.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// One withdrawal request.
    #[returns(WithdrawalResponse)]
    Withdrawal {
        /// Id of the request.
        id: u64,
    },
    /// Covered shortfalls in id order, paginated (limit ≤ 30).
    #[returns(Vec<CoverRecord>)]
    Covers {
        /// Covers with an id above this one.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// Lifetime totals of covers and revenue.
    #[returns(TotalsResponse)]
    Totals {},
    /// The backstop account, its equity and what the junior tranche owes the senior one.
    #[returns(BackstopResponse)]
    Backstop {},
    /// What the open liquidation lots are already short at the mark (the covers the pool
    /// can see coming) and each tranche's part of it: withdrawals are valued net of it.
    #[returns(KnownDeficitResponse)]
    KnownDeficit {},
}

/// The known deficits of open liquidation lots, as the liquidator's `KnownDeficits` counts
/// them (one page of its active lots, at most 30, oldest first; per lot its account's
/// deficit at fresh prices, max(0, −equity) rounded up), split over the tranches.
#[cw_serde]
pub struct KnownDeficitResponse {
    /// Sum of the counted lots' deficits, settlement base units.
    pub total: Uint128,
    /// The junior tranche's part: `total` up to the junior value (junior first, as covers).
    pub junior: Uint128,
    /// The senior tranche's part: the rest, up to the senior value.
    pub senior: Uint128,
    /// Open lots counted.
    pub lots: u32,
    /// Of those, lots whose account could not be valued now (e.g. a stale price), counted
    /// at their debt when the lot started, as if the lot fetched nothing.
    pub unpriced: u32,
    /// False when the liquidator could not be asked (then nothing is counted and
    /// withdrawals are valued at the ledger's value) or more than 30 lots are open (the
    /// newer ones are not counted).
    pub complete: bool,
}

#[cw_serde]
pub struct BackstopResponse {
    /// The auction whose floor bids the pool answers (`None`: not bidding).
    pub auction: Option<String>,
    /// The pool's clearinghouse account (`None` before `SetBackstop`).
    pub sub_id: Option<u32>,
    /// Its equity at fresh prices, floored at zero, settlement base units: part of the
    /// junior tranche's assets.
    pub equity: Uint128,
    /// What the junior tranche owes the senior one: covers the senior tranche paid while
    /// junior value sat in the backstop account. Repaid from the junior tranche's next
    /// liquid assets; never more than junior liquid assets + equity (the rest is written
    /// off, a loss of the senior tranche).
    pub junior_debt: Uint128,
}

#[cw_serde]
pub struct ConfigResponse {
    /// Native denom of the settlement asset.
    pub settlement_denom: String,
    /// The clearinghouse of the backstop account, once set.
    pub clearinghouse: Option<String>,
    /// The only address allowed to `CoverShortfall`, once set.
    pub liquidator: Option<String>,
    /// Code id the share tokens were instantiated from.
    pub share_code_id: u64,
    /// Cool-down of new withdrawal requests, seconds.
    pub cooldown_secs: u64,
    /// Seconds after the cool-down a request can be paid out before it expires.
    pub withdraw_window_secs: u64,
    /// Extra revenue weight of the junior tranche.
    pub junior_tilt: Decimal,
}

#[cw_serde]
pub struct TrancheResponse {
    /// Which tranche.
    pub tranche: Tranche,
    /// Address of the tranche's cw20 share token.
    pub token: String,
    /// Settlement base units the tranche owns, its net asset value (kept in the pool's
    /// ledger: a bank transfer straight to the pool changes nothing here): `liquid`, plus
    /// for the junior tranche the backstop account's equity less its debt to the senior
    /// tranche, for the senior tranche plus that debt.
    pub assets: Uint128,
    /// The part of `assets` the pool holds in settlement coin: what covers and withdrawals
    /// are paid from.
    pub liquid: Uint128,
    /// Shares outstanding (the token's total supply, locked shares included).
    pub supply: Uint128,
    /// Shares locked in withdrawal requests (held by the pool).
    pub locked: Uint128,
    /// (assets + 1) / (supply + 1), rounded down: what a share costs when minted and is worth
    /// when redeemed (before known deficits, see `KnownDeficit`); 1 while there are no shares.
    pub share_price: Decimal,
}

#[cw_serde]
pub struct WithdrawalResponse {
    /// Id of the request.
    pub id: u64,
    /// Who requested it and is paid.
    pub owner: String,
    /// Tranche of the locked shares.
    pub tranche: Tranche,
    /// Shares locked.
    pub shares: Uint128,
    /// Block time of the request (unix seconds).
    pub requested_at: u64,
    /// First block time `Withdraw` pays out (unix seconds).
    pub unlock_at: u64,
    /// Last block time `Withdraw` pays out; later the request must be cancelled.
    pub expires_at: u64,
    /// What `Withdraw` would pay now: shares × (assets − the tranche's part of the known
    /// deficits + 1) / (supply + 1), rounded down.
    pub value: Uint128,
}

/// Answer to `CoverShortfall` (response data, JSON), also in the event's attributes.
#[cw_serde]
pub struct CoverResponse {
    /// Paid to the liquidator: `junior_paid + senior_paid`.
    pub covered: Uint128,
    /// What the pool could not pay: `amount − covered`.
    pub uncovered: Uint128,
    /// Taken from the junior tranche.
    pub junior_paid: Uint128,
    /// Taken from the senior tranche.
    pub senior_paid: Uint128,
}

/// One `CoverShortfall`, as recorded.
#[cw_serde]
pub struct CoverRecord {
    /// Id of the cover (0, 1, …).
    pub id: u64,
    /// Block time (unix seconds).
    pub time: u64,
    /// The amount asked for.
    pub requested: Uint128,
    /// Taken from the junior tranche.
    pub junior_paid: Uint128,
    /// Taken from the senior tranche.
    pub senior_paid: Uint128,
    /// What the pool could not pay.
    pub uncovered: Uint128,
    /// Part of `senior_paid` lent to the junior tranche, whose value sat in the backstop
    /// account (added to its debt).
    #[serde(default)]
    pub lent: Uint128,
}

#[cw_serde]
#[derive(Default)]
pub struct TotalsResponse {
    /// Sum of everything paid by `CoverShortfall`.
    pub covered_total: Uint128,
    /// Sum of every shortfall the pool could not pay.
    pub uncovered_total: Uint128,
    /// Sum of all revenue distributed.
    pub revenue_total: Uint128,
}

/// What the clearinghouse sends and asks the pool, serialized on their own (the pool's
/// whole message enums are not needed there); JSON equal to the full messages' (tested).
pub mod wire {
    use cosmwasm_std::Uint128;
    use serde::Serialize;

    /// `ExecuteMsg::CoverShortfall` and `ExecuteMsg::DistributeRevenue`.
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum PoolMsg {
        CoverShortfall { amount: Uint128 },
        DistributeRevenue {},
    }

    /// `QueryMsg::Assets`: what the pool can cover now (a bare `Uint128`).
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum PoolQuery {
        Assets {},
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::insurance::{ExecuteMsg, QueryMsg};
        use cosmwasm_std::to_json_binary;

        #[test]
        fn wire_shapes_have_the_json_of_the_full_messages() {
            let amount = Uint128::new(42);
            assert_eq!(
                to_json_binary(&PoolMsg::CoverShortfall { amount }).unwrap(),
                to_json_binary(&ExecuteMsg::CoverShortfall { amount }).unwrap()
            );
            assert_eq!(
                to_json_binary(&PoolMsg::DistributeRevenue {}).unwrap(),
                to_json_binary(&ExecuteMsg::DistributeRevenue {}).unwrap()
            );
            assert_eq!(
                to_json_binary(&PoolQuery::Assets {}).unwrap(),
                to_json_binary(&QueryMsg::Assets {}).unwrap()
            );
        }
    }
}
