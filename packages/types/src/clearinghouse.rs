//! Messages of the clearinghouse: listing, accounts, collateral in and out, margin queries.
//!
//! Units. Token amounts are integers in each token's base unit (`Uint128`; the settlement
//! balance is signed, `Int128`). The oracle quotes whole units in whole settlement units
//! (ATOM = 10.5 USD); the clearinghouse scales with the decimals given at listing. Position
//! sizes are in whole units of the underlying. Margin reports are in settlement base units.

use ballast_risk::model::{Fractions, Instrument};
use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Decimal, Empty, HexBinary, Int128, SignedDecimal, Uint128};

pub use crate::liquidation::{
    AccountRef, LiquidationConfig, LossesResponse, LotCollateral, LotPosition, LotValue,
};
use cw20::Cw20ReceiveMsg;

#[cw_serde]
pub struct InstantiateMsg {
    pub owner: String,
    /// The oracle contract every price and volatility comes from.
    pub oracle: String,
    /// Native denom of the settlement asset (a stable coin; price 1 by definition).
    pub settlement_denom: String,
    /// Decimals of the settlement denom (6 for uusdc), at most 18.
    pub settlement_decimals: u8,
    pub risk: RiskConfig,
    pub funding: FundingConfig,
}

/// How perpetuals pay funding. Each settled perp trade feeds its premium over the oracle
/// index, `(price − index) / index`, into an exponential average; the rate per period is that
/// average divided by `convergence_periods` (the perp is pulled to the index over that many
/// periods, as with 8-hour funding), clamped to ±`max_rate`. Longs pay shorts when it is
/// positive. One trade's premium is clamped to ±`max_rate × convergence_periods` before it
/// enters the average, so an off-market print moves the rate by at most `trade_weight` of it.
#[cw_serde]
pub struct FundingConfig {
    /// Length of a funding period in seconds (60 to 86,400).
    pub period_secs: u64,
    /// Periods over which the premium is paid away (1 to 1,000).
    pub convergence_periods: u32,
    /// Largest rate per period, fraction of the index (≤ 0.05).
    pub max_rate: Decimal,
    /// Weight in the average of a trade of at least `weight_notional`, in (0, 1].
    pub trade_weight: Decimal,
    /// Notional (settlement base units) at which a trade's premium gets the whole
    /// `trade_weight`; a smaller trade weighs in proportion to its notional, so moving the
    /// rate costs in proportion to what it moves (> 0; e.g. 100,000 USDC).
    pub weight_notional: Uint128,
}

/// Engine-wide risk parameters (see ballast-risk `RiskParams`).
#[cw_serde]
pub struct RiskConfig {
    pub z: SignedDecimal,
    pub horizon_secs: u64,
    pub im_multiplier: SignedDecimal,
    pub extreme_multiple: SignedDecimal,
    pub extreme_weight: SignedDecimal,
    pub stress: SignedDecimal,
    pub max_vol: SignedDecimal,
    /// Name of the reference underlying of the factor model, once listed.
    pub reference: Option<String>,
}

#[cw_serde]
pub enum AssetInfo {
    Native { denom: String },
    Cw20 { address: String },
}

/// An underlying: its oracle asset and scenario parameters (see ballast-risk `Underlying`).
#[cw_serde]
pub struct UnderlyingConfig {
    pub oracle_asset: String,
    pub range_floor: SignedDecimal,
    pub resid_floor: SignedDecimal,
    pub vol_up: SignedDecimal,
    pub vol_jump: SignedDecimal,
    pub vol_down: SignedDecimal,
}

#[cw_serde]
pub struct CollateralLinkConfig {
    /// Name of a listed underlying.
    pub underlying: String,
    pub beta: SignedDecimal,
}

#[cw_serde]
pub struct CollateralConfig {
    pub asset: AssetInfo,
    /// Decimals of the token (6 for uatom), at most 18.
    pub decimals: u8,
    /// Oracle asset that prices one whole token.
    pub oracle_asset: String,
    /// Weight in (0, 1]: the share of its value that counts as margin.
    pub weight: Decimal,
    /// Concentration cap: the most of this token the clearinghouse accepts in total.
    pub cap: Uint128,
    /// How it co-moves with an underlying in portfolio-margin scenarios.
    pub link: Option<CollateralLinkConfig>,
}

#[cw_serde]
pub struct MarketConfig {
    /// Name of a listed underlying.
    pub underlying: String,
    /// Option strikes in whole settlement units (66000 = 66,000 USDC), like order prices.
    pub instrument: Instrument,
    pub initial: Fractions,
    pub maintenance: Fractions,
    /// Size add-on: `|N|·impact·√(|N|/depth)`, N in settlement base units.
    pub depth: SignedDecimal,
    pub impact: SignedDecimal,
    /// Per-position maintenance floor, fraction of notional.
    pub floor: SignedDecimal,
    /// Order sizes are whole multiples of this (units of the underlying, > 0).
    pub lot_size: Decimal,
    /// Prices are whole multiples of this (settlement units per unit, > 0).
    pub tick_size: Decimal,
    /// Fees as fractions of the traded notional, charged to maker and taker (≤ 1 %).
    pub maker_fee: Decimal,
    pub taker_fee: Decimal,
    /// Largest open interest (sum of long sizes), units of the underlying. Only trades
    /// that raise open interest are refused above it.
    pub oi_cap: Decimal,
    /// Price band of fills: a fill's price may differ from the mark (the oracle index for
    /// perps and futures, the Black-76 mark for options) by at most this fraction of the
    /// index, in (0, 0.5] (e.g. 0.05). Bounds what two colluding signers — or an agent key
    /// and an accomplice — can move between accounts by trading off-market.
    pub price_band: Decimal,
}

/// An order with the wallet's ADR-36 signature (what Keplr's `signArbitrary` returns).
#[cw_serde]
pub struct SignedOrder {
    pub order: crate::order::Order,
    /// 33-byte compressed secp256k1 public key of the owner.
    pub pubkey: Binary,
    /// 64-byte r‖s signature over the ADR-36 sign doc of the order's canonical bytes.
    pub signature: Binary,
}

#[cw_serde]
pub enum AccountMode {
    /// Standard margin, positions in this market only.
    Isolated {
        market: String,
    },
    Cross,
    Portfolio,
}

/// One of the sender's sub-accounts.
#[cw_serde]
pub struct SubAccount {
    pub sub_id: u32,
}

/// A sub-account and the margin mode it is opened with or changed to.
#[cw_serde]
pub struct AccountSetup {
    pub sub_id: u32,
    pub mode: AccountMode,
}

/// A page of a list in key order: items after `start_after`, at most `limit` (≤ 30).
#[cw_serde]
pub struct Page {
    pub start_after: Option<String>,
    pub limit: Option<u32>,
}

#[cw_serde]
pub struct MarketRef {
    pub market: String,
}

#[cw_serde]
pub struct LotRef {
    pub id: u64,
}

// Variants that take the same fields share one argument type (newtype variants): the JSON
// is the same as a struct variant's, and the contract carries one deserializer per type
// instead of one per variant — which keeps the wasm under its size limit.
#[cw_serde]
pub enum ExecuteMsg {
    /// Owner: list or update an underlying.
    SetUnderlying {
        name: String,
        config: UnderlyingConfig,
    },
    /// Owner: list or update a collateral asset (the asset itself cannot change once listed).
    SetCollateral {
        id: String,
        config: CollateralConfig,
    },
    /// Owner: list or update a market (its underlying and instrument cannot change).
    SetMarket { id: String, config: MarketConfig },
    /// Owner: replace the engine-wide risk parameters.
    SetRisk(RiskConfig),
    /// Owner: replace the funding parameters (accrual so far is kept at the old rate only
    /// up to each market's last update; crank the perps first to close that window).
    SetFunding(FundingConfig),
    /// Owner: where lots go, who covers deficits, the penalty and keeper tips.
    SetLiquidation(LiquidationConfig),
    /// Settle two crossing signed orders (anyone may submit: matchers, keepers). `size` is
    /// filled at `price`, which must satisfy both limits; fees are charged; both accounts
    /// must be at or above initial margin afterwards.
    SettleMatch {
        maker: SignedOrder,
        taker: SignedOrder,
        size: Decimal,
        price: Decimal,
    },
    /// Cancel one of the sender's orders, or one the sender signed as the account's agent
    /// (by its content; its hash is recorded).
    CancelOrder(crate::order::Order),
    /// Cancel every order of the sender's account with a nonce below `min_nonce`.
    SetMinNonce { sub_id: u32, min_nonce: u64 },
    /// Open the sender's account `sub_id` with a margin mode.
    CreateAccount(AccountSetup),
    /// Change the margin mode of the sender's account; it must stay at or above initial
    /// margin in the new mode, and an isolated account may hold only its own market.
    SetMode(AccountSetup),
    /// Name (`None`: remove) an agent of the sender's account: an address whose signed
    /// orders trade for the account (the ADR-36 doc is signed by the agent, the order's
    /// `owner` stays the account's). Agents can cancel the account's orders one by one
    /// (`CancelOrder`), nothing else: no withdrawal, no other message.
    SetAgent { sub_id: u32, agent: Option<String> },
    /// Deposit the attached native coin (exactly one listed denom) into the sender's account.
    Deposit(SubAccount),
    /// cw20 deposit: `msg` is a [`ReceiveMsg`]; only a listed cw20 collateral may call.
    Receive(Cw20ReceiveMsg),
    /// Withdraw collateral to the sender; the account must stay at or above initial margin.
    Withdraw {
        sub_id: u32,
        collateral: String,
        amount: Uint128,
    },
    /// Anyone (keepers): bring a market up to date. A perp accrues funding to now. A dated
    /// market past expiry fixes its settlement price (the first fresh oracle price at or
    /// after expiry) and cash-settles up to `limit` (≤ 30) of its holders; call again
    /// until `remaining` is 0. Accounts also settle themselves whenever they are touched.
    Crank { market: String, limit: Option<u32> },
    /// Anyone: settle an account's pending funding and expired positions into its
    /// settlement balance (equity does not change; the margin report already counts them).
    SettleAccount(AccountRef),
    /// Liquidator only (its `Liquidate`), when the account's equity is below maintenance
    /// margin at fresh prices: takes the smallest part of it (positions and collateral, the
    /// largest reduction of initial margin per unit of value first) that would leave it at
    /// or above initial margin if sold at the mark less `sizing_discount` — all of it when
    /// nothing less does —, freezes the account, charges the penalty and pays `keeper` the
    /// keeper tip. An account that holds nothing but a negative balance not yet sent down
    /// the waterfall is seized as a deficit instead. The answer's data is a JSON
    /// [`Seized`](crate::liquidation::Seized).
    Seize {
        /// The account to liquidate.
        account: AccountRef,
        /// Who receives the keeper tip (the liquidator's caller).
        keeper: String,
    },
    /// Liquidator only: a take of `fraction` of what remains of `lot` by the bidder's
    /// account, on `terms`. The lot is first trimmed to what the account still holds (a
    /// position settled at expiry meanwhile leaves it). Sizes move in whole lots of each
    /// market, rounded down (a whole-lot take, `fraction` = 1, moves everything); collateral
    /// rounds down. The answer's data is a JSON [`Filled`](crate::liquidation::Filled): the
    /// payment, and the account's new deficit when the take closed the lot.
    AuctionFill {
        /// The lot.
        lot: u64,
        /// The account that receives what moves and pays for it.
        bidder: AccountRef,
        /// Share of what remains, in (0, 1].
        fraction: Decimal,
        /// How the take is priced.
        terms: FillTerms,
    },
    /// Liquidator only, with the cover it obtained attached (settlement coin, possibly
    /// none): settles the deficit of an account that holds nothing but a negative balance.
    /// The coins are credited to it (never more than its deficit not yet sent down the
    /// waterfall: `CoverTooLarge`), the rest is recorded as bad debt, which a later deposit
    /// pays first.
    SettleDeficit(AccountRef),
    /// Liquidator only: pay `keeper` the redo tip, charged to the lot's account.
    AuctionTip {
        /// The lot restarted.
        lot: u64,
        /// Who restarted it.
        keeper: String,
    },
    /// Anyone: send the insurance pool its share (`insurance_share`) of the revenue earned
    /// since the last sweep (`DistributeRevenue`).
    SweepFees(Empty),
    /// Two-step ownership transfer (cw-ownable): the owner proposes, the new owner accepts.
    UpdateOwnership(cw_ownable::Action),
    /// Internal: callbacks the contract sends itself; any other sender is refused.
    Callback(CallbackMsg),
}

/// How an auction take is priced.
#[cw_serde]
pub enum FillTerms {
    /// A Dutch-auction bid at the curve's `factor`: the bidder pays, for exactly what moves,
    /// its mark value less (1 − factor) × its gross value, rounded up (received amounts
    /// round down), and must be at or above initial margin afterwards. Refused when the
    /// whole lot at that factor is priced above `max_price`, and when a partial take would
    /// move nothing.
    Bid {
        factor: Decimal,
        max_price: SignedDecimal,
    },
    /// Auto-deleveraging: only the lot's position in `market` moves, as much of `fraction`
    /// of it as the bidder's opposite position absorbs — the bidder only ever reduces, so
    /// no margin check —, and the bidder pays its mark value (rounded down) plus `premium`
    /// (≥ 0), which must not lift the account's balance plus its lot above zero nor leave
    /// the bidder's equity below zero.
    Deleverage { market: String, premium: Int128 },
}

#[cw_serde]
pub enum ReceiveMsg {
    Deposit(SubAccount),
}

#[cw_serde]
pub enum CallbackMsg {
    /// The account must be at or above initial margin after the user's actions.
    AssertInitialMargin(AccountRef),
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config(Empty),
    /// A market's configuration and state: open interest, funding, expiry price.
    #[returns(MarketResponse)]
    Market(MarketRef),
    /// An account: balances, collateral, positions with what they would settle.
    #[returns(AccountResponse)]
    Account(AccountRef),
    /// The account's full margin report at fresh oracle prices.
    #[returns(ballast_risk::model::MarginReport)]
    Margin(AccountRef),
    /// The report as it would be after withdrawing `amount` of `collateral` (no state change).
    #[returns(ballast_risk::model::MarginReport)]
    WhatIfWithdraw {
        owner: String,
        sub_id: u32,
        collateral: String,
        amount: Uint128,
    },
    /// The report as it would be after a fill of signed `size` (> 0 buys) at `price`,
    /// taker fee included (no state change).
    #[returns(ballast_risk::model::MarginReport)]
    WhatIfTrade {
        owner: String,
        sub_id: u32,
        market: String,
        size: SignedDecimal,
        price: Decimal,
    },
    /// A liquidation lot, valued now when the oracle allows.
    #[returns(LotResponse)]
    Lot(LotRef),
    /// Raw storage records with keys in [`start`, `end`), ascending, at most `limit` (≤ 64,
    /// default 30): what the views contract reads the lists through (contract storage is
    /// public; this only adds ranges to the chain's single-key raw queries).
    #[returns(Vec<(Binary, Binary)>)]
    RawRange {
        start: Option<Binary>,
        end: Option<Binary>,
        limit: Option<u32>,
    },
}

/// Most records one `RawRange` answer holds.
pub const MAX_RAW_RANGE: u32 = 64;

#[cw_serde]
pub struct TotalsResponse {
    /// Fees collected plus the rounding of every trade, and the penalties' protocol share.
    pub fees: Uint128,
    /// Funding and expiry cash that one side has settled and the other not yet (may be
    /// negative while shorts have collected before longs paid); once every account has
    /// settled, only the rounding in the protocol's favour (≥ 0) is left.
    pub clearing: Int128,
    pub losses: LossesResponse,
}

#[cw_serde]
pub struct MarketResponse {
    pub id: String,
    pub config: MarketConfig,
    /// Sum of long sizes, units of the underlying.
    pub open_interest: Decimal,
    /// Perps: the funding state as of its last update (a trade or a crank).
    pub funding: Option<FundingResponse>,
    /// Dated markets: the settlement price, once fixed after expiry.
    pub expiry_price: Option<Decimal>,
}

#[cw_serde]
pub struct FundingResponse {
    /// Cumulative funding per unit of the underlying, settlement base units (longs pay
    /// its increase, shorts receive it).
    pub cumulative: SignedDecimal,
    /// Average premium of trades over the index (fraction).
    pub premium: SignedDecimal,
    /// Rate per period (fraction of the index), after the clamp.
    pub rate: SignedDecimal,
    /// Time (seconds) `cumulative` is accrued to.
    pub updated: u64,
}

#[cw_serde]
pub struct ConfigResponse {
    pub oracle: String,
    pub settlement_denom: String,
    pub settlement_decimals: u8,
    pub risk: RiskConfig,
    pub funding: FundingConfig,
    pub liquidation: Option<crate::liquidation::LiquidationConfig>,
}

#[cw_serde]
pub struct NamedUnderlying {
    pub name: String,
    pub config: UnderlyingConfig,
}

#[cw_serde]
pub struct NamedCollateral {
    pub id: String,
    pub config: CollateralConfig,
    /// Total deposited across all accounts (what the cap limits).
    pub total: Uint128,
}

#[cw_serde]
pub struct NamedMarket {
    pub id: String,
    pub config: MarketConfig,
}

#[cw_serde]
pub struct Holding {
    pub collateral: String,
    pub amount: Uint128,
}

#[cw_serde]
pub struct PositionResponse {
    pub market: String,
    /// Signed size in units of the underlying (> 0 long).
    pub size: SignedDecimal,
    /// Average entry price, settlement base units per unit.
    pub entry_price: SignedDecimal,
    /// Funding (perps) or expiry cash (past-expiry markets) the next touch will settle,
    /// settlement base units, signed for the account (rounded against it).
    pub pending: Int128,
}

#[cw_serde]
pub struct OrderStatus {
    /// sha256 of the order's canonical bytes: its id.
    pub hash: HexBinary,
    pub filled: Decimal,
    pub cancelled: bool,
    /// The account's minimum nonce (orders below it are cancelled too).
    pub min_nonce: u64,
}

#[cw_serde]
pub struct AccountResponse {
    pub owner: String,
    pub sub_id: u32,
    pub mode: AccountMode,
    /// Signed settlement (quote) balance, base units: deposits, minus what was paid for
    /// positions bought, plus what was received for positions sold, minus fees.
    pub settlement: Int128,
    /// Non-settlement collateral, in collateral-id order.
    pub collateral: Vec<Holding>,
    /// Positions in market order.
    pub positions: Vec<PositionResponse>,
    /// The open liquidation lot that freezes the account, if any.
    pub lot: Option<u64>,
    /// The agent whose signed orders also trade for the account, if any.
    pub agent: Option<String>,
}

/// A liquidation lot and, when the oracle can price it now, its value.
#[cw_serde]
pub struct LotResponse {
    pub id: u64,
    pub account: AccountRef,
    pub positions: Vec<LotPosition>,
    pub collateral: Vec<LotCollateral>,
    /// What the account owed (negative settlement after the penalty) when the lot was made.
    pub debt: Uint128,
    /// False once everything has been taken.
    pub open: bool,
    pub value: Option<LotValue>,
}

/// What other contracts send the clearinghouse and read of its answers, on their own: a
/// contract that sends four messages need not link the serializers of every variant (tens
/// of KB of wasm), and one that reads a field need not parse the whole answer (the pool's
/// wasm was 100 KB larger parsing the whole margin report). JSON equal to the full
/// messages' (tested below); the views ignore fields they do not read.
pub mod wire {
    use cosmwasm_std::{Empty, SignedDecimal, Uint128};
    use serde::{Deserialize, Serialize};

    use super::{AccountRef, AccountSetup, LotRef, SubAccount};

    /// The `ExecuteMsg` variants the insurance pool sends for its backstop account.
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ClearinghouseMsg {
        CreateAccount(AccountSetup),
        SetAgent {
            sub_id: u32,
            agent: Option<String>,
        },
        Deposit(SubAccount),
        Withdraw {
            sub_id: u32,
            collateral: String,
            amount: Uint128,
        },
    }

    /// The `QueryMsg` variants other contracts ask.
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ClearinghouseQuery {
        Config(Empty),
        Margin(AccountRef),
        Lot(LotRef),
    }

    /// The part of `ConfigResponse` others read.
    #[derive(Deserialize)]
    pub struct ConfigView {
        pub settlement_denom: String,
        pub liquidation: Option<LiquidationView>,
    }

    /// The addresses of `LiquidationConfig`.
    #[derive(Deserialize)]
    pub struct LiquidationView {
        pub liquidator: String,
        pub insurance: String,
    }

    /// The part of the margin report (`ballast_risk::model::MarginReport`) others read.
    #[derive(Deserialize)]
    pub struct MarginView {
        pub equity: SignedDecimal,
        pub gross_notional: SignedDecimal,
    }

    /// The part of `LotResponse` others read.
    #[derive(Deserialize)]
    pub struct LotView {
        pub account: AccountRef,
        pub collateral: Vec<LotCollateralView>,
    }

    #[derive(Deserialize)]
    pub struct LotCollateralView {
        pub amount: Uint128,
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::clearinghouse::{AccountMode, ExecuteMsg as Shared, LotResponse, QueryMsg};
        use crate::liquidation::{LiquidationConfig, LotCollateral};
        use cosmwasm_std::{from_json, to_json_binary, Decimal};

        #[test]
        fn messages_have_the_shared_json() {
            let same = |local: ClearinghouseMsg, shared: Shared| {
                assert_eq!(
                    to_json_binary(&local).unwrap(),
                    to_json_binary(&shared).unwrap()
                );
            };
            let setup = || AccountSetup {
                sub_id: 3,
                mode: AccountMode::Cross,
            };
            same(
                ClearinghouseMsg::CreateAccount(setup()),
                Shared::CreateAccount(setup()),
            );
            for agent in [None, Some("agent".to_string())] {
                same(
                    ClearinghouseMsg::SetAgent {
                        sub_id: 3,
                        agent: agent.clone(),
                    },
                    Shared::SetAgent { sub_id: 3, agent },
                );
            }
            same(
                ClearinghouseMsg::Deposit(SubAccount { sub_id: 3 }),
                Shared::Deposit(SubAccount { sub_id: 3 }),
            );
            same(
                ClearinghouseMsg::Withdraw {
                    sub_id: 3,
                    collateral: "uusdc".into(),
                    amount: Uint128::new(7),
                },
                Shared::Withdraw {
                    sub_id: 3,
                    collateral: "uusdc".into(),
                    amount: Uint128::new(7),
                },
            );
            let account = || AccountRef {
                owner: "pool".into(),
                sub_id: 3,
            };
            let pairs = [
                (
                    ClearinghouseQuery::Margin(account()),
                    QueryMsg::Margin(account()),
                ),
                (
                    ClearinghouseQuery::Lot(LotRef { id: 9 }),
                    QueryMsg::Lot(LotRef { id: 9 }),
                ),
                (
                    ClearinghouseQuery::Config(Empty {}),
                    QueryMsg::Config(Empty {}),
                ),
            ];
            for (local, shared) in pairs {
                assert_eq!(
                    to_json_binary(&local).unwrap(),
                    to_json_binary(&shared).unwrap()
                );
            }
        }

        #[test]
        fn views_read_the_shared_answers() {
            let liquidation = LiquidationConfig {
                liquidator: "liquidator".into(),
                insurance: "pool".into(),
                penalty: Decimal::percent(2),
                keeper_tip: Uint128::new(1),
                redo_tip: Uint128::new(1),
                sizing_discount: Decimal::percent(10),
                insurance_share: Decimal::percent(50),
            };
            let json = format!(
                r#"{{"oracle":"o","settlement_denom":"uusdc","liquidation":{}}}"#,
                String::from_utf8(to_json_binary(&liquidation).unwrap().to_vec()).unwrap()
            );
            let view: ConfigView = from_json(json.as_bytes()).unwrap();
            let l = view.liquidation.unwrap();
            assert_eq!(
                (l.liquidator.as_str(), l.insurance.as_str()),
                ("liquidator", "pool")
            );
            let none: ConfigView =
                from_json(br#"{"settlement_denom":"uusdc","liquidation":null}"#).unwrap();
            assert!(none.liquidation.is_none());
            let lot = LotResponse {
                id: 4,
                account: AccountRef {
                    owner: "trader".into(),
                    sub_id: 2,
                },
                positions: vec![],
                collateral: vec![LotCollateral {
                    collateral: "statom".into(),
                    amount: Uint128::new(5),
                }],
                debt: Uint128::new(77),
                open: true,
                value: None,
            };
            let view: LotView = from_json(to_json_binary(&lot).unwrap()).unwrap();
            assert_eq!(
                (view.account.owner.as_str(), view.account.sub_id),
                ("trader", 2)
            );
            assert_eq!(view.collateral[0].amount, Uint128::new(5));
            let report = serde_json_report();
            let m: MarginView = from_json(report.as_bytes()).unwrap();
            assert_eq!(m.equity, SignedDecimal::percent(150));
            assert_eq!(m.gross_notional, SignedDecimal::one());
        }

        /// A margin report's JSON as the engine writes it (other fields ignored).
        fn serde_json_report() -> String {
            let report = ballast_risk::model::MarginReport {
                mode: ballast_risk::model::MarginMode::Cross,
                equity: SignedDecimal::percent(150),
                initial_margin: SignedDecimal::one(),
                maintenance_margin: SignedDecimal::one(),
                health: None,
                floor: SignedDecimal::zero(),
                liquidity_addon: SignedDecimal::zero(),
                greeks: vec![],
                worst_scenario: None,
                gross_notional: SignedDecimal::one(),
                collateral_value: SignedDecimal::one(),
                capital_efficiency: None,
            };
            String::from_utf8(to_json_binary(&report).unwrap().to_vec()).unwrap()
        }
    }
}
