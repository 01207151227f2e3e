//! Gas of the clearinghouse's main paths in the real CosmWasm VM (cosmwasm-vm, the engine
//! wasmd runs), on the optimised wasm `scripts/build-wasm` ships. The oracle is answered by
//! the VM's mock querier (fixed prices and volatilities); everything else is the contract.
//!
//! Besides CosmWasm gas, every step gets an estimate of the SDK gas wasmd would charge at
//! its defaults: VM gas ÷ 140,000, plus the store's charges for what the contract read and
//! wrote (counted by a storage wrapper: 1,000 + 3/byte per read, 2,000 + 30/byte per write,
//! 1,000 per delete, 30 + 3/byte per iterator step), plus for each oracle query the
//! instance load (2,000) and the oracle's own reads (taken as 3 reads of 1,100 per asset
//! quoted). Liquidation is measured on accounts of 8 and `MAX_POSITIONS` positions.
//!
//! `cargo run --release -p ballast-testing --example vm_gas [-- <wasm> …]`: with no argument
//! it measures `artifacts/ballast_clearinghouse.wasm` and writes `bench/gas.json`; with
//! paths it prints the figures of each file side by side (to compare build pipelines).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use ballast_clearinghouse::state::MAX_POSITIONS;
use ballast_testing::{
    funding_config, perp_config, risk_config, sign_with as sign, trader_address, trader_key,
    underlying_config, SETTLEMENT,
};
use ballast_types::clearinghouse::{
    AccountMode, AccountRef, AccountSetup, CallbackMsg, ExecuteMsg, InstantiateMsg, QueryMsg,
    SubAccount,
};
use ballast_types::oracle::{QueryMsg as OracleQuery, QuoteResponse};
use ballast_types::order::{Order, Side};
use cosmwasm_std::testing::message_info;
use cosmwasm_std::{
    coins, from_json, to_json_binary, to_json_vec, Addr, Coin, ContractResult, Decimal, Empty,
    Response, SignedDecimal, SystemError, SystemResult, WasmQuery,
};
use cosmwasm_vm::testing::{mock_env, MockApi, MockQuerier, MockStorage};
use cosmwasm_vm::{call_execute, call_instantiate, call_query, Backend, Instance, InstanceOptions};

type Vm = Instance<MockApi, Counting, MockQuerier>;

/// Oracle queries answered and assets quoted, since the last reset.
static ORACLE_QUERIES: AtomicU64 = AtomicU64::new(0);
static ASSETS_QUOTED: AtomicU64 = AtomicU64::new(0);
/// The BTC price the mock oracle answers (whole USDC).
static BTC: AtomicU64 = AtomicU64::new(60_000);

/// What the contract did to its store, for the SDK gas estimate.
#[derive(Default, Clone, Copy)]
struct Counts {
    reads: u64,
    read_bytes: u64,
    writes: u64,
    write_bytes: u64,
    deletes: u64,
    steps: u64,
    step_bytes: u64,
}

impl Counts {
    /// wasmd's default KV store gas for these operations.
    fn store_gas(&self) -> u64 {
        self.reads * 1_000
            + self.read_bytes * 3
            + self.writes * 2_000
            + self.write_bytes * 30
            + self.deletes * 1_000
            + self.steps * 30
            + self.step_bytes * 3
    }
}

/// MockStorage that counts reads, writes and iterator steps.
#[derive(Default)]
struct Counting {
    inner: MockStorage,
    counts: std::cell::Cell<Counts>,
}

impl Counting {
    fn add(&self, f: impl FnOnce(&mut Counts)) {
        let mut c = self.counts.get();
        f(&mut c);
        self.counts.set(c);
    }
}

impl cosmwasm_vm::Storage for Counting {
    fn get(&self, key: &[u8]) -> cosmwasm_vm::BackendResult<Option<Vec<u8>>> {
        let r = self.inner.get(key);
        let n = (key.len()
            + r.0
                .as_ref()
                .ok()
                .and_then(|v| v.as_ref())
                .map_or(0, Vec::len)) as u64;
        self.add(|c| {
            c.reads += 1;
            c.read_bytes += n;
        });
        r
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: cosmwasm_std::Order,
    ) -> cosmwasm_vm::BackendResult<u32> {
        self.inner.scan(start, end, order)
    }

    fn next(&mut self, id: u32) -> cosmwasm_vm::BackendResult<Option<cosmwasm_std::Record>> {
        let r = self.inner.next(id);
        let n =
            r.0.as_ref()
                .ok()
                .and_then(|v| v.as_ref())
                .map_or(0, |(k, v)| k.len() + v.len());
        self.add(|c| {
            c.steps += 1;
            c.step_bytes += n as u64;
        });
        r
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> cosmwasm_vm::BackendResult<()> {
        self.add(|c| {
            c.writes += 1;
            c.write_bytes += (key.len() + value.len()) as u64;
        });
        self.inner.set(key, value)
    }

    fn remove(&mut self, key: &[u8]) -> cosmwasm_vm::BackendResult<()> {
        self.add(|c| c.deletes += 1);
        self.inner.remove(key)
    }
}

/// One step's figures.
#[derive(serde::Serialize, Clone, Copy)]
struct Step {
    /// CosmWasm gas in the VM.
    vm_gas: u64,
    /// Estimated SDK gas at wasmd's defaults (see the module doc).
    sdk_gas: u64,
    oracle_queries: u64,
    store_reads: u64,
    store_writes: u64,
}

fn oracle_answer(query: &WasmQuery) -> SystemResult<ContractResult<cosmwasm_std::Binary>> {
    let WasmQuery::Smart { msg, .. } = query else {
        return SystemResult::Err(SystemError::UnsupportedRequest {
            kind: "only smart queries".into(),
        });
    };
    let price = |asset: &str| match asset {
        "BTC" => Decimal::from_ratio(BTC.load(Ordering::Relaxed), 1u32),
        _ => Decimal::from_ratio(10u32, 1u32),
    };
    ORACLE_QUERIES.fetch_add(1, Ordering::Relaxed);
    let answer = match from_json::<OracleQuery>(msg) {
        Ok(OracleQuery::Quotes { assets }) => {
            ASSETS_QUOTED.fetch_add(assets.len() as u64, Ordering::Relaxed);
            to_json_binary(
                &assets
                    .iter()
                    .map(|a| QuoteResponse {
                        asset: a.clone(),
                        price: price(a),
                        publish_time: mock_env().block.time.seconds(),
                        vol: SignedDecimal::percent(60),
                        slow_vol: SignedDecimal::percent(60),
                        beta: SignedDecimal::one(),
                        resid_vol: SignedDecimal::percent(60),
                    })
                    .collect::<Vec<_>>(),
            )
        }
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
    gas: BTreeMap<String, Step>,
}

impl Bench {
    fn new(wasm: &[u8]) -> Bench {
        let backend = Backend {
            api: MockApi::default(),
            storage: Counting::default(),
            querier: MockQuerier::new(&[]),
        };
        let options = InstanceOptions {
            gas_limit: 100_000_000_000_000,
        };
        let mut vm = Instance::from_code(wasm, backend, options, None).expect("instance");
        vm.with_querier(|q| {
            q.update_wasm(oracle_answer);
            Ok(())
        })
        .expect("querier");
        Bench {
            vm,
            gas: BTreeMap::new(),
        }
    }

    /// Runs `f` and records its figures under `step`.
    fn measure(&mut self, step: &str, f: impl FnOnce(&mut Vm)) {
        self.vm
            .with_storage(|s| {
                s.counts.set(Counts::default());
                Ok(())
            })
            .expect("storage");
        ORACLE_QUERIES.store(0, Ordering::Relaxed);
        ASSETS_QUOTED.store(0, Ordering::Relaxed);
        let before = self.vm.get_gas_left();
        f(&mut self.vm);
        let vm_gas = before - self.vm.get_gas_left();
        let counts = self
            .vm
            .with_storage(|s| Ok(s.counts.get()))
            .expect("storage");
        let queries = ORACLE_QUERIES.load(Ordering::Relaxed);
        let oracle = queries * 2_000 + ASSETS_QUOTED.load(Ordering::Relaxed) * 3 * 1_100;
        let step_figures = Step {
            vm_gas,
            sdk_gas: vm_gas / 140_000 + counts.store_gas() + oracle,
            oracle_queries: queries,
            store_reads: counts.reads + counts.steps,
            store_writes: counts.writes + counts.deletes,
        };
        self.gas.insert(step.to_string(), step_figures);
    }

    fn exec(&mut self, step: &str, sender: &Addr, msg: &ExecuteMsg, funds: &[Coin]) {
        let info = message_info(sender, funds);
        let msg = to_json_vec(msg).expect("message");
        self.measure(step, |vm| {
            let r: ContractResult<Response<Empty>> =
                call_execute(vm, &mock_env(), &info, &msg).expect("vm");
            if let ContractResult::Err(e) = r {
                panic!("{step}: {e}");
            }
        });
    }

    fn query(&mut self, step: &str, msg: &QueryMsg) {
        let msg = to_json_vec(msg).expect("query");
        self.measure(step, |vm| {
            let r = call_query(vm, &mock_env(), &msg).expect("vm");
            if let ContractResult::Err(e) = r {
                panic!("{step}: {e}");
            }
        });
    }

    fn instantiate(&mut self, owner: &Addr, oracle: &Addr) {
        let instantiate = InstantiateMsg {
            owner: owner.to_string(),
            oracle: oracle.to_string(),
            settlement_denom: SETTLEMENT.into(),
            settlement_decimals: 6,
            risk: risk_config(None),
            funding: funding_config(),
        };
        let msg = to_json_vec(&instantiate).expect("instantiate");
        let info = message_info(owner, &[]);
        self.measure("instantiate", |vm| {
            let r: ContractResult<Response<Empty>> =
                call_instantiate(vm, &mock_env(), &info, &msg).expect("vm");
            assert!(r.is_ok(), "instantiate: {r:?}");
        });
    }
}

fn measure(wasm: &[u8]) -> BTreeMap<String, Step> {
    let api = MockApi::default();
    let owner = Addr::unchecked(api.addr_make("owner"));
    let oracle = Addr::unchecked(api.addr_make("oracle"));
    let matcher = Addr::unchecked(api.addr_make("matcher"));
    let keys = [trader_key("alice"), trader_key("bob")];
    let traders = [trader_address(&keys[0]), trader_address(&keys[1])];
    BTC.store(60_000, Ordering::Relaxed);
    let mut b = Bench::new(wasm);
    b.instantiate(&owner, &oracle);
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
    let mut gas = b.gas;
    for n in [8, 16, MAX_POSITIONS] {
        gas.extend(liquidation(wasm, n));
    }
    gas
}

/// An account of `n` one-lot-sized BTC perps (0.01 each, one market each), a crash that
/// leaves it below maintenance margin, and the keeper's `Liquidate`; then one margin report
/// of the account, in cross and portfolio mode.
fn liquidation(wasm: &[u8], n: usize) -> BTreeMap<String, Step> {
    let api = MockApi::default();
    let owner = Addr::unchecked(api.addr_make("owner"));
    let oracle = Addr::unchecked(api.addr_make("oracle"));
    let matcher = Addr::unchecked(api.addr_make("matcher"));
    let keeper = Addr::unchecked(api.addr_make("keeper"));
    let keys = [trader_key("alice"), trader_key("bob")];
    let traders = [trader_address(&keys[0]), trader_address(&keys[1])];
    BTC.store(60_000, Ordering::Relaxed);
    let mut b = Bench::new(wasm);
    b.instantiate(&owner, &oracle);
    let mut setup = vec![ExecuteMsg::SetUnderlying {
        name: "BTC".into(),
        config: underlying_config("BTC", "0.05"),
    }];
    let liquidator = Addr::unchecked(api.addr_make("liquidator"));
    let mut liq = ballast_testing::liquidation_config(
        &liquidator,
        &Addr::unchecked(api.addr_make("insurance")),
    );
    // Lots sized for a sale at the mark: the search for a partial lot runs.
    liq.sizing_discount = Decimal::zero();
    setup.push(ExecuteMsg::SetLiquidation(liq));
    for m in 0..n {
        setup.push(ExecuteMsg::SetMarket {
            id: format!("M{m}"),
            config: perp_config("BTC", "0.05", "0.03"),
        });
    }
    for msg in &setup {
        b.exec("setup", &owner, msg, &[]);
    }
    // Alice holds 6 % of her notional (0.01 BTC × 60,000 per market); Bob is rich.
    let alice_deposit = 36_000_000 * n as u128;
    for (t, amount) in traders.iter().zip([alice_deposit, 100_000_000_000_000]) {
        let mode = AccountMode::Cross;
        b.exec(
            "setup",
            t,
            &ExecuteMsg::CreateAccount(AccountSetup { sub_id: 0, mode }),
            &[],
        );
        b.exec(
            "setup",
            t,
            &ExecuteMsg::Deposit(SubAccount { sub_id: 0 }),
            &coins(amount, SETTLEMENT),
        );
    }
    let env = mock_env();
    for m in 0..n {
        let order = |t: usize, side: Side| Order {
            chain_id: env.block.chain_id.clone(),
            contract: env.contract.address.to_string(),
            expiry: env.block.time.seconds() + 3600,
            limit_price: "60000".parse().expect("price"),
            market: format!("M{m}"),
            nonce: m as u64,
            owner: traders[t].to_string(),
            side,
            size: "0.01".parse().expect("size"),
            sub_id: 0,
        };
        let msg = ExecuteMsg::SettleMatch {
            maker: sign(&keys[1], order(1, Side::Sell)),
            taker: sign(&keys[0], order(0, Side::Buy)),
            size: "0.01".parse().expect("size"),
            price: "60000".parse().expect("price"),
        };
        b.exec("setup", &matcher, &msg, &[]);
    }
    // BTC falls 3.5 %: equity ≈ 2.6 % of notional, under maintenance (3 %).
    BTC.store(57_900, Ordering::Relaxed);
    let alice = AccountRef {
        owner: traders[0].to_string(),
        sub_id: 0,
    };
    b.query(
        &format!("margin report (cross, {n} perps)"),
        &QueryMsg::Margin(alice.clone()),
    );
    // The clearinghouse's part of a keeper's `Liquidate`: the liquidator's `Seize`.
    b.exec(
        &format!("liquidate (cross, {n} perps)"),
        &liquidator,
        &ExecuteMsg::Seize {
            account: alice,
            keeper: keeper.to_string(),
        },
        &[],
    );
    // What was taken: the search for the smallest lot ran when it is partial.
    let lot = call_query(
        &mut b.vm,
        &mock_env(),
        &to_json_vec(&QueryMsg::Lot(ballast_types::clearinghouse::LotRef {
            id: 1,
        }))
        .expect("q"),
    )
    .expect("vm")
    .unwrap();
    let lot: ballast_types::clearinghouse::LotResponse = from_json(&lot).expect("lot");
    let taken: SignedDecimal = lot.positions.iter().map(|p| p.size).sum();
    println!(
        "liquidation of {n} positions of 0.01 BTC: the lot takes {taken} BTC in {} markets",
        lot.positions.len()
    );
    b.gas.remove("setup");
    b.gas.remove("instantiate");
    b.gas
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default = vec!["artifacts/ballast_clearinghouse.wasm".to_string()];
    let files = if args.is_empty() { &default } else { &args };
    let runs: Vec<(String, usize, BTreeMap<String, Step>)> = files
        .iter()
        .map(|f| {
            let wasm = std::fs::read(f)
                .unwrap_or_else(|e| panic!("{f}: {e} (run scripts/build-wasm first)"));
            (f.clone(), wasm.len(), measure(&wasm))
        })
        .collect();
    println!("clearinghouse gas in cosmwasm-vm: CosmWasm gas, and estimated SDK gas at wasmd's defaults (oracle queries, store reads)");
    for (f, size, _) in &runs {
        println!("  {f}: {size} bytes");
    }
    let steps: Vec<String> = runs[0].2.keys().cloned().collect();
    for step in &steps {
        let figures: Vec<String> = runs
            .iter()
            .map(|(_, _, g)| {
                let x = g[step];
                format!(
                    "{:>16} {:>11} SDK ({} q, {} r)",
                    x.vm_gas, x.sdk_gas, x.oracle_queries, x.store_reads
                )
            })
            .collect();
        println!("{step:<46}{}", figures.join(""));
    }
    if args.is_empty() {
        let (_, size, gas) = &runs[0];
        let json = serde_json_figures(*size, gas);
        std::fs::create_dir_all("bench").expect("bench/");
        std::fs::write("bench/gas.json", json).expect("bench/gas.json");
        println!("wrote bench/gas.json");
    }
}

/// `{"wasm_bytes": …, "gas": {"step": {vm_gas, sdk_gas, …}, …}}`.
fn serde_json_figures(size: usize, gas: &BTreeMap<String, Step>) -> String {
    #[derive(serde::Serialize)]
    struct Figures<'a> {
        contract: &'a str,
        wasm_bytes: usize,
        unit: &'a str,
        gas: &'a BTreeMap<String, Step>,
    }
    let figures = Figures {
        contract: "ballast_clearinghouse",
        wasm_bytes: size,
        unit: "vm_gas: CosmWasm gas; sdk_gas: estimated at wasmd's defaults (vm_gas / 140,000 + KV store gas of the reads and writes counted + 2,000 per oracle query + 3 reads of 1,100 per asset quoted)",
        gas,
    };
    String::from_utf8(cosmwasm_std::to_json_vec(&figures).expect("figures")).expect("utf-8")
}
