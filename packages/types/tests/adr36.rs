//! Signed orders against vectors made by CosmJS exactly as Keplr's `signArbitrary` makes them
//! (`scripts/adr36/sign.mjs`, regenerated and diffed in CI). Every layer is compared byte for
//! byte: canonical order bytes, order id, ADR-36 sign doc, address, signature verification.
//! The `bad_NN_*` tests are the RELIABILITY.md bad inputs they check.

use ballast_types::order::{
    adr36_sign_bytes, pubkey_to_address, verify_order, Order, OrderError, Side,
};
use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{from_json, Api, Binary, Decimal};
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Deserialize)]
struct Vector {
    pubkey_base64: String,
    address: String,
    prefix: String,
    order: Order,
    canonical_base64: String,
    order_hash_hex: String,
    sign_doc: String,
    signature_base64: String,
}

#[derive(Deserialize)]
struct Adversarial {
    signer_mismatch: Vec<SignerMismatch>,
    sign_docs: Vec<SignDoc>,
}

#[derive(Deserialize)]
struct SignerMismatch {
    pubkey_base64: String,
    address: String,
    prefix: String,
    adr36_signer: String,
    order: Order,
    canonical_base64: String,
    sign_doc: String,
    signature_base64: String,
}

#[derive(Deserialize)]
struct SignDoc {
    signer: String,
    data_base64: String,
    sign_doc: String,
}

fn vectors() -> Vec<Vector> {
    let vectors: Vec<Vector> = from_json(include_str!("fixtures/adr36_orders.json")).unwrap();
    assert!(vectors.len() >= 5, "expected at least 5 vectors");
    vectors
}

fn adversarial() -> Adversarial {
    from_json(include_str!("fixtures/adr36_adversarial.json")).unwrap()
}

fn b64(text: &str) -> Vec<u8> {
    Binary::from_base64(text).unwrap().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn verify(
    v: &Vector,
    order: &Order,
    pubkey: &[u8],
    signature: &[u8],
) -> Result<[u8; 32], OrderError> {
    verify_order(
        &MockApi::default(),
        order,
        pubkey,
        signature,
        &v.prefix,
        None,
    )
}

fn assert_invalid_signature(result: Result<[u8; 32], OrderError>, context: &str) {
    match result {
        Err(OrderError::InvalidSignature { .. }) => {}
        other => panic!("{context}: expected InvalidSignature, got {other:?}"),
    }
}

// ----------------------------------------------------------------------------------------------
// The vectors, layer by layer

#[test]
fn canonical_bytes_and_order_id_match_cosmjs() {
    for (i, v) in vectors().iter().enumerate() {
        let canonical = v.order.canonical_bytes();
        assert_eq!(
            String::from_utf8_lossy(&canonical),
            String::from_utf8_lossy(&b64(&v.canonical_base64)),
            "vector {i}"
        );
        assert_eq!(canonical, b64(&v.canonical_base64), "vector {i}");
        assert_eq!(hex(&v.order.hash()), v.order_hash_hex, "vector {i}");
        // The canonical bytes parse back to the same order.
        assert_eq!(
            from_json::<Order>(&canonical).unwrap(),
            v.order,
            "vector {i}"
        );
    }
}

#[test]
fn sign_doc_matches_cosmjs() {
    for (i, v) in vectors().iter().enumerate() {
        let bytes = adr36_sign_bytes(&v.order.owner, &b64(&v.canonical_base64));
        assert_eq!(String::from_utf8(bytes).unwrap(), v.sign_doc, "vector {i}");
    }
}

#[test]
fn sign_doc_escaping_matches_cosmjs() {
    let docs = adversarial().sign_docs;
    assert!(docs
        .iter()
        .any(|d| d.signer.contains('&') && d.signer.contains('<')));
    assert!(docs.iter().any(|d| d.signer.contains('\u{1f}')));
    for d in &docs {
        let bytes = adr36_sign_bytes(&d.signer, &b64(&d.data_base64));
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            d.sign_doc,
            "signer {:?}",
            d.signer
        );
    }
}

#[test]
fn address_matches_cosmjs() {
    let vectors = vectors();
    for (i, v) in vectors.iter().enumerate() {
        let address = pubkey_to_address(&b64(&v.pubkey_base64), &v.prefix).unwrap();
        assert_eq!(address, v.address, "vector {i}");
        assert_eq!(address, v.order.owner, "vector {i}");
    }
    // One key, two chains: the same 20 bytes under each prefix.
    let wasm = vectors.iter().find(|v| v.prefix == "wasm").unwrap();
    let cosmos = vectors.iter().find(|v| v.prefix == "cosmos").unwrap();
    assert_eq!(wasm.pubkey_base64, cosmos.pubkey_base64);
    assert_eq!(
        pubkey_to_address(&b64(&wasm.pubkey_base64), "cosmos").unwrap(),
        cosmos.address
    );
}

#[test]
fn cosmjs_signatures_verify() {
    for (i, v) in vectors().iter().enumerate() {
        let id = verify(
            v,
            &v.order,
            &b64(&v.pubkey_base64),
            &b64(&v.signature_base64),
        );
        assert_eq!(id, Ok(v.order.hash()), "vector {i}");
    }
}

#[test]
fn vectors_cover_the_edge_cases() {
    let vectors = vectors();
    let orders: Vec<&Order> = vectors.iter().map(|v| &v.order).collect();
    assert!(orders.iter().any(|o| o.side == Side::Buy));
    assert!(orders.iter().any(|o| o.side == Side::Sell));
    assert!(orders
        .iter()
        .any(|o| o.nonce == u64::MAX && o.sub_id == u32::MAX));
    assert!(orders.iter().any(|o| o.nonce > 1 << 53)); // beyond a JavaScript Number
    assert!(orders.iter().any(|o| o.size == Decimal::MAX));
    assert!(orders.iter().any(|o| o.size == Decimal::raw(1)));
    assert!(orders
        .iter()
        .any(|o| o.market.contains("&") && o.market.contains("<")));
    assert!(orders
        .iter()
        .any(|o| o.market.contains('\u{1}') && !o.market.is_ascii()));
}

// ----------------------------------------------------------------------------------------------
// Bad input 1: forged signatures

#[test]
fn bad_01_forged_signature_any_byte_flipped() {
    for (i, v) in vectors().iter().enumerate() {
        let pubkey = b64(&v.pubkey_base64);
        let signature = b64(&v.signature_base64);
        for at in 0..signature.len() {
            for mask in [0x01, 0x80, 0xff] {
                let mut forged = signature.clone();
                forged[at] ^= mask;
                let context = format!("vector {i}, byte {at} ^ {mask:#04x}");
                assert_invalid_signature(verify(v, &v.order, &pubkey, &forged), &context);
            }
        }
    }
}

#[test]
fn bad_01_forged_signature_malformed() {
    let v = &vectors()[0];
    let pubkey = b64(&v.pubkey_base64);
    let signature = b64(&v.signature_base64);
    let n = b64("/////////////////////rqu3OavSKA7v9JejNA2QUE=");
    let mut cases = vec![
        vec![],
        signature[..63].to_vec(),
        [&signature[..], &[0]].concat(),
        [&[0u8; 32][..], &signature[32..]].concat(), // r = 0
        [&signature[..32], &[0u8; 32][..]].concat(), // s = 0
        [&n[..], &signature[32..]].concat(),         // r = n
        [&signature[..32], &n[..]].concat(),         // s = n
        [0xff; 64].to_vec(),
    ];
    cases.push([&[0x30], &signature[..]].concat()); // DER-looking prefix
    for forged in cases {
        match verify(v, &v.order, &pubkey, &forged) {
            Err(OrderError::MalformedSignature { .. }) => {}
            other => panic!("{forged:?}: expected MalformedSignature, got {other:?}"),
        }
    }
}

/// Every field of the order is covered by the signature: change any one and the owner's
/// signature no longer verifies; change the owner and the key no longer matches it.
#[test]
fn bad_01_forged_signature_order_changed() {
    type Change = (&'static str, fn(&mut Order));
    let changes: [Change; 11] = [
        ("chain_id", |o| o.chain_id.push('x')),
        ("contract", |o| {
            o.contract.pop();
        }),
        ("expiry", |o| o.expiry ^= 1),
        ("limit_price", |o| o.limit_price += Decimal::raw(1)),
        ("market", |o| o.market = o.market.to_lowercase() + "-"),
        ("nonce", |o| o.nonce ^= 1),
        ("side", |o| {
            o.side = match o.side {
                Side::Buy => Side::Sell,
                Side::Sell => Side::Buy,
            }
        }),
        ("size", |o| o.size -= Decimal::raw(1)),
        ("sub_id", |o| o.sub_id ^= 1),
        ("market unicode", |o| o.market.push('\u{2028}')),
        ("market control", |o| o.market.push('\u{1f}')),
    ];
    let vectors = vectors();
    for (i, v) in vectors.iter().enumerate() {
        let pubkey = b64(&v.pubkey_base64);
        let signature = b64(&v.signature_base64);
        for (field, change) in &changes {
            let mut order = v.order.clone();
            change(&mut order);
            assert_ne!(order.hash(), v.order.hash(), "vector {i}, {field}");
            let context = format!("vector {i}, {field} changed");
            assert_invalid_signature(verify(v, &order, &pubkey, &signature), &context);
        }
        let mut order = v.order.clone();
        let other = vectors
            .iter()
            .find(|w| w.order.owner != v.order.owner)
            .unwrap();
        order.owner = other.order.owner.clone();
        assert!(matches!(
            verify(v, &order, &pubkey, &signature),
            Err(OrderError::SignerMismatch { .. })
        ));
    }
}

#[test]
fn bad_01_forged_pubkey_any_byte_flipped() {
    for (i, v) in vectors().iter().enumerate() {
        let pubkey = b64(&v.pubkey_base64);
        let signature = b64(&v.signature_base64);
        for at in 0..pubkey.len() {
            for mask in [0x01, 0x80, 0xff] {
                let mut forged = pubkey.clone();
                forged[at] ^= mask;
                let result = verify(v, &v.order, &forged, &signature);
                // The prefix byte 0x02/0x03 turned into anything else is a malformed key;
                // any other change is another key, hence another address.
                let malformed = at == 0 && forged[0] != 0x02 && forged[0] != 0x03;
                match result {
                    Err(OrderError::MalformedPubkey { .. }) if malformed => {}
                    Err(OrderError::SignerMismatch {
                        ref owner,
                        ref derived,
                    }) if !malformed && *owner == v.order.owner && *derived != v.address => {}
                    other => panic!("vector {i}, byte {at} ^ {mask:#04x}: got {other:?}"),
                }
            }
        }
        // An uncompressed or truncated key is refused before anything else.
        for key in [
            vec![],
            pubkey[..32].to_vec(),
            [&[0x04], &[7u8; 64][..]].concat(),
        ] {
            assert!(matches!(
                verify(v, &v.order, &key, &signature),
                Err(OrderError::MalformedPubkey { .. })
            ));
        }
    }
}

/// A 33-byte "key" that is not a point of the curve, used as the owner's key: the owner
/// address derives from it, and verification reports the key, not the signature.
#[test]
fn bad_01_pubkey_off_the_curve() {
    let v = &vectors()[0];
    // x = 5: 5³ + 7 = 132 is not a square modulo p.
    let mut key = [0u8; 33];
    key[0] = 0x02;
    key[32] = 5;
    let mut order = v.order.clone();
    order.owner = pubkey_to_address(&key, "wasm").unwrap();
    match verify(v, &order, &key, &b64(&v.signature_base64)) {
        Err(OrderError::MalformedPubkey { .. }) => {}
        other => panic!("expected MalformedPubkey, got {other:?}"),
    }
}

// ----------------------------------------------------------------------------------------------
// Bad input 2: a valid signature by a key that isn't the owner's

#[test]
fn bad_02_signature_by_another_key() {
    let api = MockApi::default();
    let cases = adversarial().signer_mismatch;
    assert_eq!(cases.len(), 2);
    for case in &cases {
        let pubkey = b64(&case.pubkey_base64);
        let signature = b64(&case.signature_base64);
        let canonical = case.order.canonical_bytes();
        assert_eq!(canonical, b64(&case.canonical_base64));
        let doc = adr36_sign_bytes(&case.adr36_signer, &canonical);
        assert_eq!(String::from_utf8(doc.clone()).unwrap(), case.sign_doc);
        // The signature is genuine for the attacker's key …
        let digest: [u8; 32] = Sha256::digest(&doc).into();
        assert_eq!(api.secp256k1_verify(&digest, &signature, &pubkey), Ok(true));
        assert_eq!(
            pubkey_to_address(&pubkey, &case.prefix).unwrap(),
            case.address
        );
        // … and the order is refused for the key, whoever the ADR-36 signer was.
        let result = verify_order(&api, &case.order, &pubkey, &signature, &case.prefix, None);
        assert_eq!(
            result,
            Err(OrderError::SignerMismatch {
                owner: case.order.owner.clone(),
                derived: case.address.clone(),
            }),
            "ADR-36 signer {}",
            case.adr36_signer
        );
        // Relabelled as the attacker's own order, it is another order: the signature (made
        // over the victim's order) doesn't verify.
        let mut relabelled = case.order.clone();
        relabelled.owner = case.address.clone();
        assert_invalid_signature(
            verify_order(&api, &relabelled, &pubkey, &signature, &case.prefix, None),
            "attacker relabels the owner",
        );
    }
}

/// An agent's key trades for the account once the account names it (`SetAgent`), and only
/// with an ADR-36 doc the agent itself signed: the same signatures as above, now by a
/// named agent.
#[test]
fn a_named_agent_signs_for_the_owner_and_no_one_else_does() {
    let api = MockApi::default();
    let cases = adversarial().signer_mismatch;
    let by_agent = |case: &SignerMismatch, agent: Option<&str>| {
        verify_order(
            &api,
            &case.order,
            &b64(&case.pubkey_base64),
            &b64(&case.signature_base64),
            &case.prefix,
            agent,
        )
    };
    let mut agent_signed = 0;
    for case in &cases {
        let hash = case.order.hash();
        if case.adr36_signer == case.address {
            // The key's own doc over the owner's order: valid once the key is the agent,
            // and the order id is the order's, whoever signed.
            assert_eq!(by_agent(case, Some(&case.address)), Ok(hash));
            agent_signed += 1;
        } else {
            // A doc naming someone else than the key's address never verifies.
            assert_invalid_signature(by_agent(case, Some(&case.address)), "doc names another");
        }
        // Another agent named: the key is still nobody's.
        assert!(matches!(
            by_agent(case, Some(&case.order.owner.replace('q', "p"))),
            Err(OrderError::SignerMismatch { .. })
        ));
    }
    assert_eq!(agent_signed, 1, "one adversarial case signs its own doc");
}

#[test]
fn bad_02_owner_key_with_another_prefix() {
    for v in vectors() {
        let other = if v.prefix == "wasm" { "cosmos" } else { "wasm" };
        let result = verify_order(
            &MockApi::default(),
            &v.order,
            &b64(&v.pubkey_base64),
            &b64(&v.signature_base64),
            other,
            None,
        );
        assert!(
            matches!(result, Err(OrderError::SignerMismatch { .. })),
            "{result:?}"
        );
    }
}

// ----------------------------------------------------------------------------------------------
// Bad inputs 3 and 4: replay on another chain id or another contract

/// Vectors 0, 1 and 2 are one order signed for (ballast-1, A), (ballast-testnet-2, A) and
/// (ballast-1, B).
fn replay_vectors() -> (Vector, Vector, Vector) {
    let mut vectors = vectors().into_iter();
    let (a, b, c) = (
        vectors.next().unwrap(),
        vectors.next().unwrap(),
        vectors.next().unwrap(),
    );
    assert_ne!(a.order.chain_id, b.order.chain_id);
    assert_eq!(a.order.contract, b.order.contract);
    assert_eq!(a.order.chain_id, c.order.chain_id);
    assert_ne!(a.order.contract, c.order.contract);
    for other in [&b, &c] {
        let mut same = other.order.clone();
        same.chain_id = a.order.chain_id.clone();
        same.contract = a.order.contract.clone();
        assert_eq!(same, a.order);
    }
    (a, b, c)
}

#[test]
fn bad_03_order_replayed_on_another_chain_id() {
    let (a, b, _) = replay_vectors();
    let pubkey = b64(&a.pubkey_base64);
    assert_ne!(a.order.hash(), b.order.hash());
    // Each order carries the other chain's signature: refused both ways.
    assert_invalid_signature(
        verify(&a, &a.order, &pubkey, &b64(&b.signature_base64)),
        "a",
    );
    assert_invalid_signature(
        verify(&b, &b.order, &pubkey, &b64(&a.signature_base64)),
        "b",
    );
    // A relayer rewriting the chain id of a signed order gets nowhere either.
    let mut moved = a.order.clone();
    moved.chain_id = b.order.chain_id.clone();
    assert_eq!(moved, b.order);
    assert_invalid_signature(
        verify(&a, &moved, &pubkey, &b64(&a.signature_base64)),
        "moved",
    );
}

#[test]
fn bad_04_order_replayed_on_another_contract() {
    let (a, _, c) = replay_vectors();
    let pubkey = b64(&a.pubkey_base64);
    assert_ne!(a.order.hash(), c.order.hash());
    assert_invalid_signature(
        verify(&a, &a.order, &pubkey, &b64(&c.signature_base64)),
        "a",
    );
    assert_invalid_signature(
        verify(&c, &c.order, &pubkey, &b64(&a.signature_base64)),
        "c",
    );
    let mut moved = a.order.clone();
    moved.contract = c.order.contract.clone();
    assert_invalid_signature(
        verify(&a, &moved, &pubkey, &b64(&a.signature_base64)),
        "moved",
    );
}

// ----------------------------------------------------------------------------------------------
// Malleability: pinned behaviour the clearinghouse relies on

/// `secp256k1_verify` accepts the high-S twin (n − s) of a wallet's low-S signature. The order
/// id doesn't change with it, so fills and cancels keyed by order id are unaffected; nothing
/// may be keyed by signature bytes.
#[test]
fn high_s_twin_verifies_with_the_same_order_id() {
    let n = b64("/////////////////////rqu3OavSKA7v9JejNA2QUE=");
    for v in vectors() {
        let pubkey = b64(&v.pubkey_base64);
        let mut signature = b64(&v.signature_base64);
        // s' = n − s, big-endian with borrow.
        let mut borrow = 0i16;
        for k in (0..32).rev() {
            let diff = i16::from(n[k]) - i16::from(signature[32 + k]) - borrow;
            borrow = i16::from(diff < 0);
            signature[32 + k] = (diff + 256 * borrow) as u8;
        }
        assert_eq!(borrow, 0);
        assert!(signature[32] >= 0x7f, "the wallet's signature was low-S");
        assert_eq!(
            verify(&v, &v.order, &pubkey, &signature),
            Ok(v.order.hash())
        );
    }
}
