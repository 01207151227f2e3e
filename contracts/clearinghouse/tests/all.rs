//! Clearinghouse integration tests on the shared suite (`ballast-testing`). Tests named
//! `bad_NN_*` check the entry of ../shared/RELIABILITY.md they are named after: the error,
//! and that nothing changed.

mod admin;
mod adversarial;
mod backstop;
mod cash;
mod crash;
mod funds;
mod liquidation;
mod sequences;
mod trade;

use ballast_clearinghouse::error::ContractError;
use ballast_testing::Suite;
use ballast_types::clearinghouse::AccountResponse;
use cw_multi_test::AppResponse;

/// The contract error inside a failed execution.
pub fn contract_err(r: ballast_testing::AnyResult<AppResponse>) -> ContractError {
    let e = r.expect_err("the call should fail");
    e.downcast::<ContractError>()
        .unwrap_or_else(|e| panic!("not a ContractError: {e:?}"))
}

/// Everything the clearinghouse's ledger says about every trader's accounts.
pub fn ledger(s: &Suite) -> Vec<AccountResponse> {
    s.all_accounts()
}

/// I1 conservation: the contract's token balances equal what its ledger says it holds.
pub fn inv_conservation(s: &Suite) {
    s.assert_conservation()
}
