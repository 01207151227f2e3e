//! What an action expects to be paid with, and how the pool pays.

use cosmwasm_std::{
    coins, to_json_binary, Addr, BankMsg, CosmosMsg, MessageInfo, Uint128, WasmMsg,
};

use crate::error::{ContractError, ContractResult};

/// The amount of exactly one positive coin of `denom` attached to the call; anything else
/// (none, another denom, several coins, zero) is an error naming what was wrong.
pub fn settlement_payment(info: &MessageInfo, denom: &str) -> ContractResult<Uint128> {
    match info.funds.as_slice() {
        [] => Err(ContractError::NoFunds {
            denom: denom.to_string(),
        }),
        [c] if c.denom != denom => Err(ContractError::WrongDenom {
            expected: denom.to_string(),
            got: c.denom.clone(),
        }),
        [c] if c.amount.is_zero() => Err(ContractError::ZeroAmount {}),
        [c] => Ok(c.amount),
        more => Err(ContractError::SeveralDenoms {
            denom: denom.to_string(),
            count: more.len(),
        }),
    }
}

/// A call of `msg` on `contract` with `funds` attached.
pub fn exec(
    contract: &Addr,
    msg: &impl serde::Serialize,
    funds: Vec<cosmwasm_std::Coin>,
) -> ContractResult<WasmMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg)?,
        funds,
    })
}

/// A bank payment of `amount` (`None` for zero: the bank refuses empty transfers).
pub fn pay(to: &Addr, amount: Uint128, denom: &str) -> Option<CosmosMsg> {
    (!amount.is_zero()).then(|| {
        BankMsg::Send {
            to_address: to.to_string(),
            amount: coins(amount.u128(), denom),
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{coin, testing::message_info};

    #[test]
    fn one_positive_coin_of_the_denom_only() {
        let who = Addr::unchecked("who");
        let pay =
            |funds: &[cosmwasm_std::Coin]| settlement_payment(&message_info(&who, funds), "uusdc");
        assert_eq!(pay(&[coin(5, "uusdc")]).unwrap(), Uint128::new(5));
        assert!(matches!(pay(&[]), Err(ContractError::NoFunds { .. })));
        assert!(matches!(
            pay(&[coin(5, "uatom")]),
            Err(ContractError::WrongDenom { .. })
        ));
        assert_eq!(pay(&[coin(0, "uusdc")]), Err(ContractError::ZeroAmount {}));
        assert!(matches!(
            pay(&[coin(5, "uusdc"), coin(5, "uatom")]),
            Err(ContractError::SeveralDenoms { count: 2, .. })
        ));
    }
}
