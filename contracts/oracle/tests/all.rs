//! Oracle integration tests on the shared suite (`ballast-testing`). Tests named
//! `bad_NN_*` / `inv_*` check the entry of ../shared/RELIABILITY.md they are named after.

mod admin;
mod adversarial;
mod push;
mod quotes;
mod volatility;

use ballast_oracle::error::ContractError;
use cw_multi_test::AppResponse;

/// The contract error inside a failed execution.
pub fn contract_err(r: ballast_testing::AnyResult<AppResponse>) -> ContractError {
    let e = r.expect_err("the call should fail");
    e.downcast::<ContractError>()
        .unwrap_or_else(|e| panic!("not a ContractError: {e:?}"))
}
