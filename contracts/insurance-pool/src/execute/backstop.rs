//! The backstop: the pool's own clearinghouse account, funded from the junior tranche, bids
//! for lots at the floor of their run when the auction asks (before a redo), and an
//! operator's agent key unwinds what it bought with ordinary signed orders. Its equity is
//! part of the junior tranche's value (`book`).

use cosmwasm_std::{
    coins, Addr, Decimal, DepsMut, Env, MessageInfo, Response, SignedDecimal, Uint128,
};

use ballast_types::clearinghouse::wire::{ClearinghouseMsg, ClearinghouseQuery, LotView};
use ballast_types::clearinghouse::{AccountMode, AccountSetup, LotRef, SubAccount};
use ballast_types::liquidator::wire::AuctionMsg;

use crate::book::Book;
use crate::error::{ContractError, ContractResult};
use crate::execute::admin::owner_only;
use crate::execute::funds::exec;
use crate::state::{Backstop, BACKSTOP, CONFIG};

fn clearinghouse(deps: &DepsMut) -> ContractResult<Addr> {
    CONFIG
        .load(deps.storage)?
        .clearinghouse_addr
        .ok_or(ContractError::NoClearinghouse {})
}

pub fn set_backstop(
    deps: DepsMut,
    info: MessageInfo,
    auction: Option<String>,
    sub_id: u32,
    agent: Option<String>,
) -> ContractResult<Response> {
    owner_only(&deps, &info)?;
    let clearinghouse = clearinghouse(&deps)?;
    let auction = auction.map(|a| deps.api.addr_validate(&a)).transpose()?;
    let mut messages = vec![];
    match BACKSTOP.may_load(deps.storage)? {
        Some(b) if b.sub_id != sub_id => {
            return Err(ContractError::BackstopAccountFixed { sub_id: b.sub_id })
        }
        Some(_) => {}
        // First time: open the account (cross margin: one pool of margin for whatever the
        // auctions sell it).
        None => messages.push(exec(
            &clearinghouse,
            &ClearinghouseMsg::CreateAccount(AccountSetup {
                sub_id,
                mode: AccountMode::Cross,
            }),
            vec![],
        )?),
    }
    messages.push(exec(
        &clearinghouse,
        &ClearinghouseMsg::SetAgent {
            sub_id,
            agent: agent.clone(),
        },
        vec![],
    )?);
    let bidding = auction.as_ref().map(Addr::to_string).unwrap_or_default();
    BACKSTOP.save(deps.storage, &Backstop { auction, sub_id })?;
    Ok(Response::new()
        .add_messages(messages)
        .add_attribute("action", "set_backstop")
        .add_attribute("auction", bidding)
        .add_attribute("sub_id", sub_id.to_string())
        .add_attribute("agent", agent.unwrap_or_default()))
}

fn backstop(deps: &DepsMut) -> ContractResult<Backstop> {
    BACKSTOP
        .may_load(deps.storage)?
        .ok_or(ContractError::NoBackstop {})
}

/// What `FundBackstop` and `DefundBackstop` both need once the owner and a positive amount
/// are checked: the backstop, the clearinghouse, the settlement denom and the book.
fn owner_moves(
    deps: &DepsMut,
    env: &Env,
    info: &MessageInfo,
    amount: Uint128,
) -> ContractResult<(Backstop, Addr, String, Book)> {
    owner_only(deps, info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    Ok((
        backstop(deps)?,
        clearinghouse(deps)?,
        CONFIG.load(deps.storage)?.settlement_denom,
        Book::load(deps.as_ref(), &env.contract.address)?,
    ))
}

pub fn fund(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    let (b, clearinghouse, denom, mut book) = owner_moves(&deps, &env, &info, amount)?;
    let liquid = book.junior.assets;
    // Junior value is unchanged: coin becomes equity in the account (deposits are credited
    // in full).
    book.junior.assets = liquid
        .checked_sub(amount)
        .map_err(|_| ContractError::Illiquid {
            tranche: ballast_types::insurance::Tranche::Junior,
            needed: amount,
            liquid,
        })?;
    book.equity = Some(book.equity.unwrap_or_default().checked_add(amount)?);
    book.save(deps.storage)?;
    let deposit = exec(
        &clearinghouse,
        &ClearinghouseMsg::Deposit(SubAccount { sub_id: b.sub_id }),
        coins(amount.u128(), denom),
    )?;
    Ok(Response::new()
        .add_message(deposit)
        .add_attribute("action", "fund_backstop")
        .add_attribute("amount", amount))
}

pub fn defund(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    let (b, clearinghouse, denom, mut book) = owner_moves(&deps, &env, &info, amount)?;
    // Credited now: the withdrawal below pays the pool in this same transaction or fails it
    // (the clearinghouse's margin check included). Saving settles the junior debt first.
    book.junior.assets = book.junior.assets.checked_add(amount)?;
    // The equity leaves the account as coin: count it once.
    book.equity = Some(book.equity.unwrap_or_default().saturating_sub(amount));
    let book = book.save(deps.storage)?;
    let withdraw = exec(
        &clearinghouse,
        &ClearinghouseMsg::Withdraw {
            sub_id: b.sub_id,
            collateral: denom,
            amount,
        },
        vec![],
    )?;
    Ok(Response::new()
        .add_message(withdraw)
        .add_attribute("action", "defund_backstop")
        .add_attribute("amount", amount)
        .add_attribute("junior_debt_after", book.debt))
}

/// The auction's request at the floor: bid for the whole lot into the backstop account. The
/// auction prices it (the cusp of a fresh mark), hence no price limit; the clearinghouse's
/// initial-margin check on the account is the pool's protection, and a failure anywhere makes
/// the auction restart the lot instead.
pub fn bid(deps: DepsMut, info: MessageInfo, lot: u64) -> ContractResult<Response> {
    let b = backstop(&deps)?;
    let auction = b.auction.ok_or(ContractError::NoBackstop {})?;
    if info.sender != auction {
        return Err(ContractError::Unauthorized {});
    }
    let clearinghouse = clearinghouse(&deps)?;
    let l: LotView = deps
        .querier
        .query_wasm_smart(&clearinghouse, &ClearinghouseQuery::Lot(LotRef { id: lot }))?;
    if l.collateral.iter().any(|c| !c.amount.is_zero()) {
        return Err(ContractError::BackstopCollateral { lot });
    }
    let bid = exec(
        &auction,
        &AuctionMsg::Bid {
            lot,
            sub_id: b.sub_id,
            fraction: Decimal::one(),
            max_price: SignedDecimal::MAX,
        },
        vec![],
    )?;
    Ok(Response::new()
        .add_message(bid)
        .add_attribute("action", "backstop_bid")
        .add_attribute("lot", lot.to_string()))
}
