//! Clearinghouse integration tests on the shared suite (`ballast-testing`). Tests named
//! `bad_NN_*` check the entry of ../shared/RELIABILITY.md they are named after: the error,
//! and that nothing changed.

mod admin;
mod cash;
mod funds;
mod sequences;
mod trade;

use ballast_clearinghouse::error::ContractError;
use ballast_testing::{Suite, SETTLEMENT};
use ballast_types::clearinghouse::{AccountResponse, NamedCollateral, QueryMsg};
use cosmwasm_std::Uint128;
use cw_multi_test::AppResponse;

/// The contract error inside a failed execution.
pub fn contract_err(r: ballast_testing::AnyResult<AppResponse>) -> ContractError {
    let e = r.expect_err("the call should fail");
    e.downcast::<ContractError>()
        .unwrap_or_else(|e| panic!("not a ContractError: {e:?}"))
}

/// Everything the clearinghouse's ledger says about every trader's first sub-accounts.
pub fn ledger(s: &Suite) -> Vec<AccountResponse> {
    let mut out = vec![];
    for t in &s.traders {
        let accounts: Vec<AccountResponse> = s
            .ch_query(&QueryMsg::Accounts {
                owner: t.to_string(),
                start_after: None,
                limit: None,
            })
            .unwrap();
        out.extend(accounts);
    }
    out
}

/// I1 conservation: the contract's token balances equal what its ledger says it holds.
pub fn inv_conservation(s: &Suite) {
    let accounts = ledger(s);
    let ch = s.ch().clearinghouse.clone();
    let settlement: i128 = accounts.iter().map(|a| a.settlement.i128()).sum();
    let totals = s.ledger_totals();
    assert_eq!(
        s.balance(&ch, SETTLEMENT) as i128,
        settlement + totals.fees.u128() as i128 + totals.clearing.i128(),
        "settlement tokens vs ledger + fees + clearing"
    );
    let held = |id: &str| -> u128 {
        accounts
            .iter()
            .flat_map(|a| a.collateral.iter())
            .filter(|h| h.collateral == id)
            .map(|h| h.amount.u128())
            .sum()
    };
    assert_eq!(
        s.balance(&ch, "uatom"),
        held("atom"),
        "ATOM tokens vs ledger"
    );
    assert_eq!(
        s.statom_balance(&ch),
        held("statom"),
        "stATOM tokens vs ledger"
    );
    let totals: Vec<NamedCollateral> = s
        .ch_query(&QueryMsg::Collaterals {
            start_after: None,
            limit: None,
        })
        .unwrap();
    for c in totals {
        assert_eq!(c.total, Uint128::new(held(&c.id)), "cap total of {}", c.id);
    }
}
