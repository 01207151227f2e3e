//! The clearinghouse's storage, read from another contract: `get` is a raw query, `range` a
//! `RawRange` query (one page of at most `MAX_RAW_RANGE` records, which covers every range
//! the list queries make: a page of ≤ 30 items, an account's ≤ 32 positions or ≤ 16
//! collateral holdings). Writes cannot happen in a query and do nothing.

use std::cell::RefCell;

use cosmwasm_std::{Addr, Binary, Order, QuerierWrapper, Record, StdError, StdResult, Storage};

use ballast_types::clearinghouse::{QueryMsg, MAX_RAW_RANGE};

pub struct Remote<'a> {
    pub querier: QuerierWrapper<'a>,
    pub contract: Addr,
    /// The first failed read: `Storage` cannot return errors, so the caller checks this
    /// after the query instead of answering from a silently empty read.
    pub error: RefCell<Option<StdError>>,
}

impl Remote<'_> {
    fn fail(&self, e: StdError) {
        self.error.borrow_mut().get_or_insert(e);
    }

    /// The query's answer, or the first read that failed.
    pub fn check<T>(&self, answer: StdResult<T>) -> StdResult<T> {
        match self.error.borrow_mut().take() {
            Some(e) => Err(e),
            None => answer,
        }
    }
}

impl Storage for Remote<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.querier
            .query_wasm_raw(&self.contract, key)
            .unwrap_or_else(|e| {
                self.fail(e);
                None
            })
    }

    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        if order == Order::Descending {
            self.fail(StdError::generic_err(
                "views read ranges in ascending order only",
            ));
            return Box::new(std::iter::empty());
        }
        let msg = QueryMsg::RawRange {
            start: start.map(Binary::from),
            end: end.map(Binary::from),
            limit: Some(MAX_RAW_RANGE),
        };
        match self
            .querier
            .query_wasm_smart::<Vec<(Binary, Binary)>>(&self.contract, &msg)
        {
            Ok(records) => Box::new(records.into_iter().map(|(k, v)| (k.into(), v.into()))),
            Err(e) => {
                self.fail(e);
                Box::new(std::iter::empty())
            }
        }
    }

    fn set(&mut self, _key: &[u8], _value: &[u8]) {}

    fn remove(&mut self, _key: &[u8]) {}
}
