//! Gas of the clearinghouse's main paths in the real CosmWasm VM (cosmwasm-vm, the engine
//! wasmd runs), on the optimised wasm `scripts/build-wasm` ships. The oracle is answered by
//! the VM's mock querier (fixed prices and volatilities); everything else is the contract.
//!
//! `cargo run --release -p ballast-testing --example vm_gas [-- <wasm> …]`: with no argument
//! it measures `artifacts/ballast_clearinghouse.wasm` and writes `bench/gas.json`; with
//! paths it prints the figures of each file side by side (to compare build pipelines).

use std::collections::BTreeMap;

use ballast_testing::{
    funding_config, perp_config, risk_config, sign_with as sign, trader_address, trader_key,
    underlying_config, SETTLEMENT,
};
use ballast_types::clearinghouse::{
    AccountMode, AccountRef, AccountSetup, CallbackMsg, ExecuteMsg, InstantiateMsg, QueryMsg,
    SubAccount,
};
use ballast_types::oracle::{PriceResponse, QueryMsg as OracleQuery, VolatilityResponse};
use ballast_types::order::{Order, Side};
use cosmwasm_std::testing::message_info;
use cosmwasm_std::{
    coins, from_json, to_json_binary, to_json_vec, Addr, Coin, ContractResult, Decimal, Empty,
    Response, SignedDecimal, SystemError, SystemResult, WasmQuery,
};
use cosmwasm_vm::testing::{
    mock_env, mock_instance_with_options, MockApi, MockInstanceOptions, MockQuerier, MockStorage,
};
use cosmwasm_vm::{call_execute, call_instantiate, call_query, Instance};

type Vm = Instance<MockApi, MockStorage, MockQuerier>;

fn oracle_answer(query: &WasmQuery) -> SystemResult<ContractResult<cosmwasm_std::Binary>> {
    let WasmQuery::Smart { msg, .. } = query else {
        return SystemResult::Err(SystemError::UnsupportedRequest {
            kind: "only smart queries".into(),
        });
    };
    let price = |asset: &str| PriceResponse {
        asset: asset.to_string(),
        price: match asset {
            "BTC" => Decimal::from_ratio(60_000u32, 1u32),
            _ => Decimal::from_ratio(10u32, 1u32),
        },
        publish_time: mock_env().block.time.seconds(),
        accepted_at: mock_env().block.time.seconds(),
    };
    let answer = match from_json::<OracleQuery>(msg) {
        Ok(OracleQuery::Price { asset }) => to_json_binary(&price(&asset)),
        Ok(OracleQuery::Prices { assets }) => {
            to_json_binary(&assets.iter().map(|a| price(a)).collect::<Vec<_>>())
        }
        Ok(OracleQuery::Volatility { asset }) => to_json_binary(&VolatilityResponse {
            asset,
            vol: SignedDecimal::percent(60),
            slow_vol: SignedDecimal::percent(60),
            beta: SignedDecimal::one(),
            resid_vol: SignedDecimal::percent(60),
            samples: 100,
        }),
        Ok(OracleQuery::Config {}) => {
            to_json_binary(&ballast_types::oracle::ConfigResponse { reference: None })
        }
        _ => {
            return SystemResult::Err(SystemError::UnsupportedRequest {
                kind: "oracle query".into(),
            })
        }
    };
    SystemResult::Ok(answer.into())
}

struct Bench {
    vm: Vm,
    gas: BTreeMap<&'static str, u64>,
}

impl Bench {
    fn exec(&mut self, step: &'static str, sender: &Addr, msg: &ExecuteMsg, funds: &[Coin]) {
        let before = self.vm.get_gas_left();
        let r: ContractResult<Response<Empty>> = call_execute(
            &mut self.vm,
            &mock_env(),
            &message_info(sender, funds),
            &to_json_vec(msg).expect("message"),
        )
        .expect("vm");
        if let ContractResult::Err(e) = r {
            panic!("{step}: {e}");
        }
        self.gas.insert(step, before - self.vm.get_gas_left());
    }

    fn query(&mut self, step: &'static str, msg: &QueryMsg) {
        let before = self.vm.get_gas_left();
        let r =
            call_query(&mut self.vm, &mock_env(), &to_json_vec(msg).expect("query")).expect("vm");
        if let ContractResult::Err(e) = r {
            panic!("{step}: {e}");
        }
        self.gas.insert(step, before - self.vm.get_gas_left());
    }
}

fn measure(wasm: &[u8]) -> BTreeMap<&'static str, u64> {
    let api = MockApi::default();
    let owner = Addr::unchecked(api.addr_make("owner"));
    let oracle = Addr::unchecked(api.addr_make("oracle"));
    let matcher = Addr::unchecked(api.addr_make("matcher"));
    let keys = [trader_key("alice"), trader_key("bob")];
    let traders = [trader_address(&keys[0]), trader_address(&keys[1])];
    let mut vm = mock_instance_with_options(
        wasm,
        MockInstanceOptions {
            gas_limit: 100_000_000_000_000,
            ..Default::default()
        },
    );
    vm.with_querier(|q| {
        q.update_wasm(oracle_answer);
        Ok(())
    })
    .expect("querier");
    let instantiate = InstantiateMsg {
        owner: owner.to_string(),
        oracle: oracle.to_string(),
        settlement_denom: SETTLEMENT.into(),
        settlement_decimals: 6,
        risk: risk_config(None),
        funding: funding_config(),
    };
    let before = vm.get_gas_left();
    let r: ContractResult<Response<Empty>> = call_instantiate(
        &mut vm,
        &mock_env(),
        &message_info(&owner, &[]),
        &to_json_vec(&instantiate).expect("instantiate"),
    )
    .expect("vm");
    assert!(r.is_ok(), "instantiate: {r:?}");
    let mut b = Bench {
        gas: BTreeMap::from([("instantiate", before - vm.get_gas_left())]),
        vm,
    };
    b.exec(
        "set_underlying",
        &owner,
        &ExecuteMsg::SetUnderlying {
            name: "BTC".into(),
            config: underlying_config("BTC", "0.05"),
        },
        &[],
    );
    b.exec(
        "set_market",
        &owner,
        &ExecuteMsg::SetMarket {
            id: "BTC-PERP".into(),
            config: perp_config("BTC", "0.05", "0.03"),
        },
        &[],
    );
    for (i, t) in traders.iter().enumerate() {
        let mode = if i == 0 {
            AccountMode::Cross
        } else {
            AccountMode::Portfolio
        };
        b.exec(
            ["create_account", "create_account (portfolio)"][i],
            t,
            &ExecuteMsg::CreateAccount(AccountSetup { sub_id: 0, mode }),
            &[],
        );
        b.exec(
            ["deposit", "deposit (portfolio)"][i],
            t,
            &ExecuteMsg::Deposit(SubAccount { sub_id: 0 }),
            &coins(100_000_000_000, SETTLEMENT),
        );
    }
    let env = mock_env();
    let order = |t: usize, side: Side| Order {
        chain_id: env.block.chain_id.clone(),
        contract: env.contract.address.to_string(),
        expiry: env.block.time.seconds() + 3600,
        limit_price: "60000".parse().expect("price"),
        market: "BTC-PERP".into(),
        nonce: 1,
        owner: traders[t].to_string(),
        side,
        size: "1".parse().expect("size"),
        sub_id: 0,
    };
    b.exec(
        "settle_match (two signatures)",
        &matcher,
        &ExecuteMsg::SettleMatch {
            maker: sign(&keys[1], order(1, Side::Sell)),
            taker: sign(&keys[0], order(0, Side::Buy)),
            size: "1".parse().expect("size"),
            price: "60000".parse().expect("price"),
        },
        &[],
    );
    b.exec(
        "withdraw",
        &traders[0],
        &ExecuteMsg::Withdraw {
            sub_id: 0,
            collateral: SETTLEMENT.into(),
            amount: 1_000_000u128.into(),
        },
        &[],
    );
    // The margin checks that end a trade or a withdrawal run as the contract's callback to
    // itself (a separate message): measured on their own, once per account mode.
    let contract = env.contract.address.clone();
    for (i, t) in traders.iter().enumerate() {
        b.exec(
            [
                "initial-margin callback (cross, 1 perp)",
                "initial-margin callback (portfolio, 1 perp)",
            ][i],
            &contract,
            &ExecuteMsg::Callback(CallbackMsg::AssertInitialMargin(AccountRef {
                owner: t.to_string(),
                sub_id: 0,
            })),
            &[],
        );
    }
    for (i, t) in traders.iter().enumerate() {
        b.query(
            [
                "margin query (cross, 1 perp)",
                "margin query (portfolio, 1 perp)",
            ][i],
            &QueryMsg::Margin(AccountRef {
                owner: t.to_string(),
                sub_id: 0,
            }),
        );
    }
    b.exec(
        "crank (funding)",
        &matcher,
        &ExecuteMsg::Crank {
            market: "BTC-PERP".into(),
            limit: None,
        },
        &[],
    );
    b.gas
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default = vec!["artifacts/ballast_clearinghouse.wasm".to_string()];
    let files = if args.is_empty() { &default } else { &args };
    let runs: Vec<(String, usize, BTreeMap<&str, u64>)> = files
        .iter()
        .map(|f| {
            let wasm = std::fs::read(f)
                .unwrap_or_else(|e| panic!("{f}: {e} (run scripts/build-wasm first)"));
            (f.clone(), wasm.len(), measure(&wasm))
        })
        .collect();
    println!("clearinghouse gas in cosmwasm-vm (CosmWasm gas units, before the chain's multiplier to SDK gas)");
    for (f, size, _) in &runs {
        println!("  {f}: {size} bytes");
    }
    let steps: Vec<&str> = runs[0].2.keys().copied().collect();
    for step in &steps {
        let figures: Vec<String> = runs
            .iter()
            .map(|(_, _, g)| format!("{:>16}", g[step]))
            .collect();
        println!("{step:<52}{}", figures.join(""));
    }
    if args.is_empty() {
        let (_, size, gas) = &runs[0];
        let json = serde_json_figures(*size, gas);
        std::fs::create_dir_all("bench").expect("bench/");
        std::fs::write("bench/gas.json", json).expect("bench/gas.json");
        println!("wrote bench/gas.json");
    }
}

/// `{"wasm_bytes": …, "gas": {"step": gas, …}}` (CosmWasm gas units).
fn serde_json_figures(size: usize, gas: &BTreeMap<&str, u64>) -> String {
    #[derive(serde::Serialize)]
    struct Figures<'a> {
        contract: &'a str,
        wasm_bytes: usize,
        unit: &'a str,
        gas: &'a BTreeMap<&'a str, u64>,
    }
    let figures = Figures {
        contract: "ballast_clearinghouse",
        wasm_bytes: size,
        unit: "CosmWasm gas (the chain divides by its gas multiplier for SDK gas and adds its own storage and instance costs)",
        gas,
    };
    String::from_utf8(cosmwasm_std::to_json_vec(&figures).expect("figures")).expect("utf-8")
}
