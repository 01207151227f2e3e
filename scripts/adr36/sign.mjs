// Writes the ADR-36 test vectors of packages/types (tests/adr36.rs reads them):
//
//   packages/types/tests/fixtures/adr36_orders.json       orders signed like Keplr's signArbitrary
//   packages/types/tests/fixtures/adr36_adversarial.json  a valid signature by a key that isn't
//                                                         the owner's; sign docs of odd signers
//
// Run it with scripts/adr36/regenerate. The output is deterministic (RFC 6979 signatures, fixed
// keys and orders), so a re-run writes identical bytes and CI checks exactly that.
//
// What Keplr does for signArbitrary(chainId, signer, data), and this script with CosmJS:
//   doc   = makeADR36AminoSignDoc(signer, data)   // amino StdSignDoc, see adr36SignDoc below
//   bytes = serializeSignDoc(doc)                 // sorted keys, no whitespace, & < > escaped
//   sig   = secp256k1 sign sha256(bytes), low-S, 64 bytes r || s (RFC 6979 nonce)
// Here wallet.signAmino does the last two steps (it is the same code path CosmJS uses for every
// amino signature); the canonical order encoding (canonicalJson) is the reference encoder for
// front-ends: pass its bytes as signArbitrary's data.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import {
  Secp256k1HdWallet,
  makeCosmoshubPath,
  makeSignDoc,
  serializeSignDoc,
} from "@cosmjs/amino";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromBase64, toBase64, toHex, toUtf8 } from "@cosmjs/encoding";

// PUBLIC TEST MNEMONIC (the one CosmJS's own tests use). Anyone can derive its keys: never send
// funds to these addresses, never use it for anything but test vectors.
const TEST_MNEMONIC =
  "enlist hip relief stomach skate base shallow young switch frequent cry park";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FIXTURES = join(ROOT, "packages", "types", "tests", "fixtures");

// ---------------------------------------------------------------------------------------------
// Canonical order encoding (must match ballast_types::order::Order::canonical_bytes)

const ORDER_FIELDS = {
  chain_id: "string",
  contract: "string",
  expiry: "u64",
  limit_price: "decimal",
  market: "string",
  nonce: "u64",
  owner: "string",
  side: "side",
  size: "decimal",
  sub_id: "u32",
};

// cosmwasm_std::Decimal's Display form: no leading zeros, no trailing fractional zeros, at most
// 18 fractional digits, no exponent, no sign; and at most Decimal::MAX.
const DECIMAL_MAX = 340282366920938463463374607431768211455n; // u128::MAX atomics
function checkDecimal(field, value) {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]*)(\.[0-9]{0,17}[1-9])?$/.test(value)) {
    throw new Error(`${field}: ${JSON.stringify(value)} is not in Decimal Display form`);
  }
  const [int, frac = ""] = value.split(".");
  if (BigInt(int + frac.padEnd(18, "0")) > DECIMAL_MAX) {
    throw new Error(`${field}: ${value} exceeds Decimal::MAX`);
  }
}

function checkInteger(field, value, bits) {
  if (typeof value !== "bigint" || value < 0n || value >= 1n << BigInt(bits)) {
    // A Number above 2^53 has already lost digits: u64 fields are BigInts, always.
    throw new Error(`${field}: ${String(value)} must be a BigInt in [0, 2^${bits})`);
  }
}

function checkString(field, value) {
  // A Rust String is valid UTF-8: a lone surrogate can't be represented (JSON.stringify would
  // write it as \udXXX, serde-json-wasm can't).
  if (typeof value !== "string" || !value.isWellFormed()) {
    throw new Error(`${field}: must be a well-formed string`);
  }
}

/** The canonical bytes of an order: compact JSON, keys sorted, u64 as exact JSON numbers. */
export function canonicalJson(order) {
  const keys = Object.keys(order).sort();
  const expected = Object.keys(ORDER_FIELDS); // already sorted
  if (keys.join(",") !== expected.join(",")) {
    throw new Error(`order fields must be exactly ${expected.join(", ")}; got ${keys.join(", ")}`);
  }
  const parts = keys.map((key) => {
    const value = order[key];
    let json;
    switch (ORDER_FIELDS[key]) {
      case "string":
        checkString(key, value);
        json = JSON.stringify(value);
        break;
      case "decimal":
        checkDecimal(key, value);
        json = JSON.stringify(value);
        break;
      case "side":
        if (value !== "buy" && value !== "sell") throw new Error(`side: ${value}`);
        json = JSON.stringify(value);
        break;
      case "u64":
        checkInteger(key, value, 64);
        json = value.toString();
        break;
      case "u32":
        checkInteger(key, value, 32);
        json = value.toString();
        break;
    }
    return `${JSON.stringify(key)}:${json}`;
  });
  return toUtf8(`{${parts.join(",")}}`);
}

// ---------------------------------------------------------------------------------------------
// ADR-36

/** Keplr's makeADR36AminoSignDoc, built with CosmJS's makeSignDoc. */
function adr36SignDoc(signer, data) {
  const msg = { type: "sign/MsgSignData", value: { signer, data: toBase64(data) } };
  return makeSignDoc([msg], { gas: "0", amount: [] }, "", "", 0, 0);
}

/** signArbitrary as Keplr does it, through the wallet's amino signer. */
async function signArbitrary(wallet, signer, data) {
  const doc = adr36SignDoc(signer, data);
  const { signature } = await wallet.signAmino(signer, doc);
  return {
    signDoc: new TextDecoder().decode(serializeSignDoc(doc)),
    pubkey: fromBase64(signature.pub_key.value),
    signature: fromBase64(signature.signature),
  };
}

/** The same signature made directly with a private key (for a signer the key doesn't own). */
async function signWithPrivkey(privkey, signer, data) {
  const bytes = serializeSignDoc(adr36SignDoc(signer, data));
  const sig = await Secp256k1.createSignature(sha256(bytes), privkey);
  return {
    signDoc: new TextDecoder().decode(bytes),
    signature: new Uint8Array([...sig.r(32), ...sig.s(32)]),
  };
}

async function verify(signDoc, signature, pubkey) {
  const hash = sha256(toUtf8(signDoc));
  return Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(signature), hash, pubkey);
}

// ---------------------------------------------------------------------------------------------
// Fixture output: JSON with u64 values written as exact numbers

function fixtureJson(value) {
  const text = JSON.stringify(
    value,
    (_key, v) => (typeof v === "bigint" ? `@@bigint:${v.toString()}@@` : v),
    2,
  );
  return `${text.replace(/"@@bigint:([0-9]+)@@"/g, "$1")}\n`;
}

function write(name, value) {
  mkdirSync(FIXTURES, { recursive: true });
  const path = join(FIXTURES, name);
  writeFileSync(path, fixtureJson(value));
  console.log(`wrote ${path.slice(ROOT.length + 1)}`);
}

// ---------------------------------------------------------------------------------------------

async function wallet(prefix, account) {
  return Secp256k1HdWallet.fromMnemonic(TEST_MNEMONIC, {
    hdPaths: [makeCosmoshubPath(account)],
    prefix,
  });
}

async function address(w) {
  const [account] = await w.getAccounts();
  return account.address;
}

async function privkey(w) {
  // Not part of CosmJS's public API; used only to sign for an address the key doesn't own.
  const [account] = await w.getAccountsWithPrivkeys();
  return account.privkey;
}

const CONTRACT_A = "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d";
const CONTRACT_B = "wasm1suhgf5svhu4usrurvxzlgn54ksxmn8gljarjtxqnapv8kjnp4nrss5maay";

async function main() {
  const wasm0 = await wallet("wasm", 0);
  const wasm1 = await wallet("wasm", 1);
  const cosmos0 = await wallet("cosmos", 0);
  const owner0 = await address(wasm0);
  const owner1 = await address(wasm1);
  const cosmosOwner = await address(cosmos0);

  const base = {
    chain_id: "ballast-1",
    contract: CONTRACT_A,
    expiry: 1767225600n,
    limit_price: "64250.25",
    market: "BTC-PERP",
    nonce: 1n,
    owner: owner0,
    side: "buy",
    size: "1.5",
    sub_id: 0n,
  };
  const cases = [
    { prefix: "wasm", wallet: wasm0, order: base },
    // The same order for another chain id and for another contract: each signature must
    // verify only for its own (RELIABILITY bad inputs 3 and 4).
    { prefix: "wasm", wallet: wasm0, order: { ...base, chain_id: "ballast-testnet-2" } },
    { prefix: "wasm", wallet: wasm0, order: { ...base, contract: CONTRACT_B } },
    {
      prefix: "wasm",
      wallet: wasm1,
      order: {
        chain_id: "ballast-1",
        contract: CONTRACT_A,
        expiry: 18446744073709551615n,
        limit_price: "123456789.123456789012345678",
        market: "ETH&BTC <spread> x>y",
        nonce: 18446744073709551615n,
        owner: owner1,
        side: "sell",
        size: "0.000000000000000001",
        sub_id: 4294967295n,
      },
    },
    {
      prefix: "cosmos",
      wallet: cosmos0,
      order: {
        chain_id: "cosmoshub-4",
        contract: "cosmos1qg5ega6dykkxc307y25pecuufrjkxkaggkkxh7nad0vhyhtuhw3sqaa3c5",
        expiry: 1893456000n,
        limit_price: "0.1",
        // Quote, backslash, control characters (JSON.stringify writes \u001f in lowercase),
        // DEL, non-ASCII, U+2028 and an astral character, all raw UTF-8 except the escapes.
        market: 'ATOM\u0001\u001f\t\n"q"\\ é€\u2028\u007f😀-PERP',
        // 2^53 + 1: a JavaScript Number would silently round it to 2^53.
        nonce: 9007199254740993n,
        owner: cosmosOwner,
        side: "buy",
        size: "340282366920938463463.374607431768211455",
        sub_id: 42n,
      },
    },
  ];

  const orders = [];
  for (const { prefix, wallet: w, order } of cases) {
    const canonical = canonicalJson(order);
    const signed = await signArbitrary(w, order.owner, canonical);
    if (!(await verify(signed.signDoc, signed.signature, signed.pubkey))) {
      throw new Error("CosmJS rejects its own signature");
    }
    orders.push({
      pubkey_base64: toBase64(signed.pubkey),
      address: order.owner,
      prefix,
      order,
      canonical_base64: toBase64(canonical),
      order_hash_hex: toHex(sha256(canonical)),
      sign_doc: signed.signDoc,
      signature_base64: toBase64(signed.signature),
    });
  }
  write("adr36_orders.json", orders);

  // Bad input 2: the key of wasm1 signs owner0's order. Both ways a wallet could: with the
  // owner as ADR-36 signer (as if it forged the owner's doc) and with its own address.
  const attacker = await privkey(wasm1);
  const [attackerAccount] = await wasm1.getAccounts();
  const victimOrder = { ...base, nonce: 7n };
  const victimCanonical = canonicalJson(victimOrder);
  const signerMismatch = [];
  for (const signer of [owner0, owner1]) {
    const signed = await signWithPrivkey(attacker, signer, victimCanonical);
    if (!(await verify(signed.signDoc, signed.signature, attackerAccount.pubkey))) {
      throw new Error("attacker signature does not verify");
    }
    signerMismatch.push({
      pubkey_base64: toBase64(attackerAccount.pubkey),
      address: owner1,
      prefix: "wasm",
      adr36_signer: signer,
      order: victimOrder,
      canonical_base64: toBase64(victimCanonical),
      sign_doc: signed.signDoc,
      signature_base64: toBase64(signed.signature),
    });
  }

  // serializeSignDoc of odd signers: JSON.stringify escaping, then & < > as \u0026 \u003c \u003e.
  const signers = [
    "wasm1plain",
    "a&b<c>d",
    'quote"backslash\\slash/',
    "ctl\u0000\u0001\b\t\n\u000b\f\r\u001f\u007f",
    "é€\u2028\u2029😀",
    "\\u0026 literal",
  ];
  const signDocs = signers.map((signer, i) => {
    const data = Uint8Array.from({ length: i * 7 }, (_, j) => (j * 37 + i) & 0xff);
    return {
      signer,
      data_base64: toBase64(data),
      sign_doc: new TextDecoder().decode(serializeSignDoc(adr36SignDoc(signer, data))),
    };
  });
  write("adr36_adversarial.json", { signer_mismatch: signerMismatch, sign_docs: signDocs });
}

// Importing this module (e.g. for canonicalJson in a front-end test) writes nothing.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main();
}
