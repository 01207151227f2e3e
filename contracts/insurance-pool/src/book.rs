//! The pool's books: both tranches' liquid assets, the backstop account's equity (part of the
//! junior tranche's value) and the junior tranche's debt to the senior one.
//!
//! Why a debt: the junior tranche takes losses first, but a cover is paid in coin, and the
//! junior value held as equity in the backstop account cannot be paid out inside a cover. So
//! when the senior tranche pays while the junior tranche still owns equity there, that part
//! of the senior payment is a loan to the junior tranche, repaid from its next liquid assets
//! (revenue, deposits, `DefundBackstop`). Every handler that moves tranche assets loads the
//! book, settles the debt (`math::settle_debt`), acts, settles again and saves: after every
//! handler a debt exists only while the junior tranche has no liquid assets, and is at most
//! the backstop equity.

use cosmwasm_std::{Addr, Deps, Int128, StdResult, Storage, Uint128};

use ballast_types::clearinghouse::wire::{ClearinghouseQuery, MarginView};
use ballast_types::clearinghouse::AccountRef;
use ballast_types::insurance::Tranche;

use crate::error::{ContractError, ContractResult};
use crate::math::{settle_debt, Settled};
use crate::state::{load_tranche, save_tranche, TrancheState, BACKSTOP, CONFIG, JUNIOR_DEBT};

pub struct Book {
    pub junior: TrancheState,
    pub senior: TrancheState,
    /// What the junior tranche owes the senior tranche.
    pub debt: Uint128,
    /// Equity of the backstop account at fresh prices, floored at zero (zero without one);
    /// `None` when it could not be valued (only covers go on without it).
    pub equity: Option<Uint128>,
}

/// A clearinghouse account's equity at fresh prices (settlement + weighted collateral +
/// position values), rounded DOWN to a whole base unit; an error when it cannot be valued.
pub fn account_equity(deps: Deps, clearinghouse: &Addr, account: AccountRef) -> StdResult<Int128> {
    let report: MarginView = deps
        .querier
        .query_wasm_smart(clearinghouse, &ClearinghouseQuery::Margin(account))?;
    Ok(report.equity.to_int_floor())
}

/// Equity of the pool's backstop account, floored at zero (an account below zero owes the
/// clearinghouse, not the pool); zero when the pool has none.
pub fn backstop_equity(deps: Deps, pool: &Addr) -> ContractResult<Uint128> {
    let (Some(backstop), Some(clearinghouse)) = (
        BACKSTOP.may_load(deps.storage)?,
        CONFIG.load(deps.storage)?.clearinghouse_addr,
    ) else {
        return Ok(Uint128::zero());
    };
    let account = AccountRef {
        owner: pool.to_string(),
        sub_id: backstop.sub_id,
    };
    // Rounds DOWN: the junior tranche is never credited more than the account is worth.
    let equity = account_equity(deps, &clearinghouse, account)
        .map_err(|e| ContractError::BackstopValuation(e.to_string()))?;
    Ok(Uint128::try_from(equity).unwrap_or_default())
}

impl Book {
    /// The book with the backstop account valued now; an error when it cannot be.
    pub fn load(deps: Deps, pool: &Addr) -> ContractResult<Book> {
        let equity = backstop_equity(deps, pool)?;
        Self::with_equity(deps.storage, Some(equity))
    }

    /// The book for a cover, which must not fail on a stale price in the backstop account:
    /// then the equity is unknown, and the cover lends nothing and settles nothing.
    pub fn load_for_cover(deps: Deps, pool: &Addr) -> ContractResult<Book> {
        let equity = backstop_equity(deps, pool).ok();
        Self::with_equity(deps.storage, equity)
    }

    /// Loaded and settled (not yet saved: a query settles too, to report true values).
    fn with_equity(storage: &dyn Storage, equity: Option<Uint128>) -> ContractResult<Book> {
        let mut book = Book {
            junior: load_tranche(storage, Tranche::Junior)?,
            senior: load_tranche(storage, Tranche::Senior)?,
            debt: JUNIOR_DEBT.may_load(storage)?.unwrap_or_default(),
            equity,
        };
        book.settle()?;
        Ok(book)
    }

    pub fn tranche(&self, t: Tranche) -> &TrancheState {
        match t {
            Tranche::Junior => &self.junior,
            Tranche::Senior => &self.senior,
        }
    }

    pub fn tranche_mut(&mut self, t: Tranche) -> &mut TrancheState {
        match t {
            Tranche::Junior => &mut self.junior,
            Tranche::Senior => &mut self.senior,
        }
    }

    /// The tranche's net asset value: junior = liquid + equity − debt, senior = liquid +
    /// debt. Settled books keep debt ≤ liquid + equity, so the junior value is exact; an
    /// unknown equity counts as zero (the junior value then floors at zero).
    pub fn value(&self, t: Tranche) -> ContractResult<Uint128> {
        Ok(match t {
            Tranche::Junior => self
                .junior
                .assets
                .checked_add(self.equity.unwrap_or_default())?
                .saturating_sub(self.debt),
            Tranche::Senior => self.senior.assets.checked_add(self.debt)?,
        })
    }

    /// Caps the debt at what the junior tranche owns and repays what its liquid assets can
    /// (see `math::settle_debt`); nothing when the equity is unknown. Returns what moved.
    pub fn settle(&mut self) -> ContractResult<Option<Settled>> {
        let Some(equity) = self.equity else {
            return Ok(None);
        };
        let s = settle_debt(self.junior.assets, self.senior.assets, self.debt, equity)?;
        self.junior.assets = s.junior_liquid;
        self.senior.assets = s.senior_liquid;
        self.debt = s.debt;
        Ok(Some(s))
    }

    /// Settles, then saves both tranches and the debt.
    pub fn save(mut self, storage: &mut dyn Storage) -> ContractResult<Book> {
        self.settle()?;
        save_tranche(storage, Tranche::Junior, &self.junior)?;
        save_tranche(storage, Tranche::Senior, &self.senior)?;
        JUNIOR_DEBT.save(storage, &self.debt)?;
        Ok(self)
    }
}
