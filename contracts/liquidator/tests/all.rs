//! Liquidator integration tests on the shared suite (`ballast-testing`): the waterfall's
//! start and end (seizure, covers, known deficits), the curve, partial takes, Black Thursday (no bids until the floor, then a redo), and the
//! bad inputs of RELIABILITY.md 31, 32, 37, 42, 43, 44 (`bad_NN_*`): the error, and that
//! nothing changed.

mod admin;
mod bids;
mod waterfall;

use ballast_liquidator::error::ContractError;
use ballast_testing::AnyResult;
use cosmwasm_std::SignedDecimal;
use cw_multi_test::AppResponse;

/// The contract error inside a failed execution.
pub fn contract_err(r: AnyResult<AppResponse>) -> ContractError {
    let e = r.expect_err("the call should fail");
    e.downcast::<ContractError>()
        .unwrap_or_else(|e| panic!("not an auction ContractError: {e:?}"))
}

/// A max_price no lot reaches.
pub fn any_price() -> SignedDecimal {
    SignedDecimal::from_atomics(i128::MAX / 1_000_000_000_000_000_000, 0).unwrap()
}
