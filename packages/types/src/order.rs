//! Signed orders: what a trader signs off-chain with Keplr's `signArbitrary` (ADR-36) and
//! what `SettleMatch` verifies on chain.
//!
//! The bytes a trader signs are built in three layers, each reproduced here byte for byte
//! (`scripts/adr36/sign.mjs` writes the test vectors with CosmJS; `tests/adr36.rs` checks
//! every layer against them):
//!
//! 1. [`Order::canonical_bytes`]: the order as compact JSON, keys in lexicographic order;
//!    its sha256 is the order id ([`Order::hash`]) used by fills and cancels.
//! 2. [`adr36_sign_bytes`]: the ADR-36 amino sign doc wrapping those bytes (base64) with the
//!    signer's address — the owner's, or the agent's the account names (`SetAgent`) —,
//!    serialized as CosmJS `serializeSignDoc` does.
//! 3. The wallet signs sha256 of the sign doc with secp256k1 (64-byte `r || s`);
//!    [`verify_order`] checks it with `Api::secp256k1_verify` after checking that the public
//!    key is the owner's or the agent's ([`pubkey_to_address`]).
//!
//! The chain id and the contract address are inside the signed bytes, so an order signed
//! for one deployment cannot be replayed on another chain or against another contract.

use bech32::{Bech32, Hrp};
use cosmwasm_schema::cw_serde;
use cosmwasm_std::{to_json_vec, Api, Binary, Decimal, VerificationError};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Side of an order. Serialized in snake_case (`"buy"`, `"sell"`).
#[cw_serde]
#[derive(Copy)]
pub enum Side {
    /// Buys `size` at `limit_price` or lower.
    Buy,
    /// Sells `size` at `limit_price` or higher.
    Sell,
}

/// An order as the trader signs it.
///
/// **The fields are declared in lexicographic order on purpose**: `cosmwasm_std::to_json_vec`
/// writes struct fields in declaration order, so the JSON of this struct *is* the canonical
/// encoding (see [`Order::canonical_bytes`]). Adding, renaming or reordering a field changes
/// every order id and invalidates every signature; keep the order sorted and update
/// `scripts/adr36/sign.mjs` with it.
#[cw_serde]
pub struct Order {
    /// Chain id the order is valid on (e.g. `"ballast-1"`); an order signed for another
    /// chain does not verify here.
    pub chain_id: String,
    /// Bech32 address of the clearinghouse contract the order is for; an order signed for
    /// another contract does not verify here.
    pub contract: String,
    /// Unix time (seconds) at or after which the order can no longer be filled (a block at
    /// exactly `expiry` refuses it).
    pub expiry: u64,
    /// Worst price the trader accepts, in settlement units per unit of size (> 0): the
    /// highest for a buy, the lowest for a sell.
    pub limit_price: Decimal,
    /// Market identifier (e.g. `"BTC-PERP"`).
    pub market: String,
    /// Per-account nonce: cancels raise the account's minimum nonce, and an order with a
    /// nonce below that minimum can't be filled.
    pub nonce: u64,
    /// Bech32 address of the account owner (lowercase, as the wallet shows it): the key that
    /// signs must derive this address.
    pub owner: String,
    /// Buy or sell.
    pub side: Side,
    /// Total size the order may fill (> 0), in units of the market; fills are tracked per
    /// order hash and never exceed it.
    pub size: Decimal,
    /// Sub-account of `owner` the position is booked to.
    pub sub_id: u32,
}

/// Why an order's signature was rejected.
#[derive(Error, Debug, Clone, PartialEq, Eq)]
pub enum OrderError {
    /// The public key isn't a 33-byte compressed secp256k1 key (or isn't on the curve).
    #[error("malformed public key: {reason}")]
    MalformedPubkey { reason: String },
    /// The bech32 prefix can't be used to encode an address.
    #[error("invalid bech32 prefix {prefix:?}: {reason}")]
    InvalidPrefix { prefix: String, reason: String },
    /// The public key derives another address than the order's owner.
    #[error(
        "signer mismatch: the public key's address is {derived}, the order's owner is {owner}"
    )]
    SignerMismatch { owner: String, derived: String },
    /// The signature is well formed but doesn't sign this order with this key.
    #[error("invalid signature: not an ADR-36 signature of this order by {owner}")]
    InvalidSignature { owner: String },
    /// The signature isn't a 64-byte `r || s` secp256k1 signature with valid scalars.
    #[error("malformed signature: {reason}")]
    MalformedSignature { reason: String },
    /// The order couldn't be encoded (not expected to happen; kept typed, never a panic).
    #[error("order encoding failed: {reason}")]
    Encoding { reason: String },
    /// Any other error of the verification host function.
    #[error("signature verification failed: {reason}")]
    Verification { reason: String },
}

impl Order {
    /// The canonical encoding of the order, the bytes the trader signs (wrapped in the
    /// ADR-36 sign doc) and whose sha256 is the order id:
    ///
    /// ```text
    /// {"chain_id":"…","contract":"…","expiry":1767225600,"limit_price":"64250.25","market":"…",
    ///  "nonce":1,"owner":"…","side":"buy","size":"1.5","sub_id":0}
    /// ```
    /// (one line, no whitespace). Keys in lexicographic order; decimals as strings in
    /// `cosmwasm_std::Decimal`'s `Display` form (no trailing zeros, no exponent: `"1.5"`,
    /// `"100"`, `"0.000000000000000001"`); integers as JSON numbers (a `u64` above 2^53 too,
    /// so JavaScript must encode it from a `BigInt`, not a `Number`); strings escaped as
    /// `JSON.stringify` does (`\"`, `\\`, `\b \t \n \f \r`, other control characters as
    /// lowercase `\u00xx`, everything else, non-ASCII included, as raw UTF-8).
    ///
    /// This is exactly what `canonicalJson` in `scripts/adr36/sign.mjs` produces (the
    /// reference encoder for front-ends). It is `to_json_vec` of this struct, whose fields
    /// are declared in sorted order, with one fix: `serde-json-wasm` writes control
    /// characters as *uppercase* `\u001F`, `JSON.stringify` as lowercase `\u001f`.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // `encode` cannot fail for this struct (strings, integers, decimals and a unit enum;
        // `serde-json-wasm` only fails on non-string map keys and custom errors), and
        // `verify_order` uses `encode` directly, so an empty result can never verify.
        self.encode().unwrap_or_default()
    }

    /// The order id: sha256 of [`Order::canonical_bytes`].
    pub fn hash(&self) -> [u8; 32] {
        sha256(&self.canonical_bytes())
    }

    fn encode(&self) -> Result<Vec<u8>, OrderError> {
        let mut json = to_json_vec(self).map_err(|err| OrderError::Encoding {
            reason: err.to_string(),
        })?;
        lowercase_unicode_escapes(&mut json);
        Ok(json)
    }
}

/// The ADR-36 sign doc Keplr's `signArbitrary(chain_id, signer, data)` signs (sha256 of these
/// bytes): Keplr's `serializeSignDoc(makeADR36AminoSignDoc(signer, data))`
/// (`@keplr-wallet/cosmos`), byte-identical to CosmJS `serializeSignDoc` of the same doc:
///
/// ```text
/// {"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",
///  "msgs":[{"type":"sign/MsgSignData","value":{"data":"<base64>","signer":"<signer>"}}],
///  "sequence":"0"}
/// ```
/// (one line). `data` is standard base64 with padding. The signer is escaped as
/// `JSON.stringify` does and then, as CosmJS `escapeCharacters` (and Keplr's `escapeHTML`)
/// do over the whole document, `&`, `<`, `>` become `\u0026`, `\u003c`, `\u003e`; so any
/// Rust string gives the bytes the wallet signed. The chain id of an ADR-36 doc is empty by
/// the standard: the order's own `chain_id` field is what binds it to a chain.
pub fn adr36_sign_bytes(signer: &str, data: &[u8]) -> Vec<u8> {
    const HEAD: &str = r#"{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"","msgs":[{"type":"sign/MsgSignData","value":{"data":""#;
    const MIDDLE: &str = r#"","signer":"#;
    const TAIL: &str = r#"}}],"sequence":"0"}"#;
    let data = Binary::from(data).to_base64();
    let mut out = String::with_capacity(HEAD.len() + data.len() + signer.len() + 64);
    out.push_str(HEAD);
    out.push_str(&data);
    out.push_str(MIDDLE);
    push_amino_json_string(&mut out, signer);
    out.push_str(TAIL);
    out.into_bytes()
}

/// The Cosmos SDK address of a secp256k1 key: bech32(prefix, ripemd160(sha256(key))) of the
/// 33-byte compressed key (what Keplr and CosmJS show for that key).
pub fn pubkey_to_address(pubkey: &[u8], prefix: &str) -> Result<String, OrderError> {
    check_compressed_pubkey(pubkey)?;
    let hrp = Hrp::parse(prefix).map_err(|err| OrderError::InvalidPrefix {
        prefix: prefix.to_string(),
        reason: err.to_string(),
    })?;
    let raw = Ripemd160::digest(Sha256::digest(pubkey));
    bech32::encode::<Bech32>(hrp, &raw).map_err(|err| OrderError::InvalidPrefix {
        prefix: prefix.to_string(),
        reason: err.to_string(),
    })
}

/// Verifies a Keplr `signArbitrary` signature of `order` and returns the order id
/// ([`Order::hash`]).
///
/// `pubkey` is the 33-byte compressed key the wallet returns with the signature, `signature`
/// the 64-byte `r || s`, `bech32_prefix` the chain's account prefix. Checks, in order: the key
/// is well formed and derives `order.owner` or `agent` — the account's agent, if it has one
/// (else [`OrderError::SignerMismatch`]) —, then the signature of
/// sha256([`adr36_sign_bytes`]`(signer, canonical bytes)`) with `api.secp256k1_verify`, the
/// signer being the address the key derives (an agent signs its own ADR-36 doc). High-S signatures are accepted (the SDK's ante handler would reject
/// them; wallets produce low-S): harmless, as the order id is the hash of the order, never of
/// the signature, so a signature must never be used as a key for anything.
pub fn verify_order(
    api: &dyn Api,
    order: &Order,
    pubkey: &[u8],
    signature: &[u8],
    bech32_prefix: &str,
    agent: Option<&str>,
) -> Result<[u8; 32], OrderError> {
    let derived = pubkey_to_address(pubkey, bech32_prefix)?;
    if derived != order.owner && Some(derived.as_str()) != agent {
        return Err(OrderError::SignerMismatch {
            owner: order.owner.clone(),
            derived,
        });
    }
    check_signature_scalars(signature)?;
    let canonical = order.encode()?;
    let digest = sha256(&adr36_sign_bytes(&derived, &canonical));
    match api.secp256k1_verify(&digest, signature, pubkey) {
        Ok(true) => Ok(sha256(&canonical)),
        Ok(false) => Err(OrderError::InvalidSignature {
            owner: order.owner.clone(),
        }),
        Err(VerificationError::InvalidSignatureFormat) => Err(OrderError::MalformedSignature {
            reason: "rejected by secp256k1_verify".to_string(),
        }),
        // cosmwasm-crypto reports both a scalar out of range and a key off the curve as a
        // generic error; the scalars were checked above, so here it is the key.
        Err(VerificationError::InvalidPubkeyFormat | VerificationError::GenericErr) => {
            Err(OrderError::MalformedPubkey {
                reason: "not a point on secp256k1".to_string(),
            })
        }
        Err(err) => Err(OrderError::Verification {
            reason: err.to_string(),
        }),
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn check_compressed_pubkey(pubkey: &[u8]) -> Result<(), OrderError> {
    match pubkey {
        [0x02 | 0x03, rest @ ..] if rest.len() == 32 => Ok(()),
        [prefix, rest @ ..] if rest.len() == 32 => Err(OrderError::MalformedPubkey {
            reason: format!("compressed key must start with 0x02 or 0x03, got {prefix:#04x}"),
        }),
        _ => Err(OrderError::MalformedPubkey {
            reason: format!(
                "expected a 33-byte compressed secp256k1 key, got {} bytes",
                pubkey.len()
            ),
        }),
    }
}

/// Order of the secp256k1 group, big-endian.
const SECP256K1_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// A signature is 64 bytes `r || s` with r and s in [1, n − 1] (what `secp256k1_verify`
/// accepts; checked here so that its generic error can only mean a bad key).
fn check_signature_scalars(signature: &[u8]) -> Result<(), OrderError> {
    if signature.len() != 64 {
        return Err(OrderError::MalformedSignature {
            reason: format!("expected 64 bytes (r || s), got {}", signature.len()),
        });
    }
    let (r, s) = signature.split_at(32);
    for (name, scalar) in [("r", r), ("s", s)] {
        // Slices of equal length compare lexicographically, i.e. as big-endian numbers.
        if scalar.iter().all(|&byte| byte == 0) || scalar >= &SECP256K1_N[..] {
            return Err(OrderError::MalformedSignature {
                reason: format!("{name} is not in [1, n - 1]"),
            });
        }
    }
    Ok(())
}

/// Lowercases the hex digits of every `\uXXXX` escape in a JSON document. Backslashes occur
/// only inside strings and always start an escape, and no byte of a multi-byte UTF-8
/// sequence is ASCII, so a left-to-right scan that skips each escape finds them exactly.
fn lowercase_unicode_escapes(json: &mut [u8]) {
    let mut i = 0;
    while i < json.len() {
        if json[i] != b'\\' {
            i += 1;
        } else if json.get(i + 1) == Some(&b'u') {
            for byte in json.iter_mut().skip(i + 2).take(4) {
                byte.make_ascii_lowercase();
            }
            i += 6;
        } else {
            i += 2;
        }
    }
}

/// Appends `value` as a JSON string the way CosmJS `serializeSignDoc` writes it:
/// `JSON.stringify`'s escaping, then `&`, `<`, `>` as `\u0026`, `\u003c`, `\u003e`.
fn push_amino_json_string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '&' => out.push_str("\\u0026"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '\u{00}'..='\u{1f}' => {
                let byte = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0x0f)]));
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        Order {
            chain_id: "ballast-1".to_string(),
            contract: "wasm1contract".to_string(),
            expiry: 1_767_225_600,
            limit_price: Decimal::percent(6_425_025),
            market: "BTC-PERP".to_string(),
            nonce: u64::MAX,
            owner: "wasm1owner".to_string(),
            side: Side::Sell,
            size: Decimal::percent(150),
            sub_id: 7,
        }
    }

    #[test]
    fn canonical_bytes_sorted_compact() {
        assert_eq!(
            String::from_utf8(order().canonical_bytes()).unwrap(),
            r#"{"chain_id":"ballast-1","contract":"wasm1contract","expiry":1767225600,"limit_price":"64250.25","market":"BTC-PERP","nonce":18446744073709551615,"owner":"wasm1owner","side":"sell","size":"1.5","sub_id":7}"#
        );
        assert_eq!(order().hash(), sha256(&order().canonical_bytes()));
    }

    #[test]
    fn canonical_bytes_escape_like_json_stringify() {
        let mut o = order();
        o.market = "a\u{1}\u{1f}\u{7f}\t\"\\/&<>é\u{2028}".to_string();
        let json = String::from_utf8(o.canonical_bytes()).unwrap();
        let expected = "\"market\":\"a\\u0001\\u001f\u{7f}\\t\\\"\\\\/&<>é\u{2028}\"";
        assert!(json.contains(expected), "{json}");
    }

    #[test]
    fn lowercase_skips_escaped_backslashes() {
        let mut json = br#"["\\u00AB","\u001F","\\\u001A"]"#.to_vec();
        lowercase_unicode_escapes(&mut json);
        assert_eq!(json, br#"["\\u00AB","\u001f","\\\u001a"]"#.to_vec());
    }

    #[test]
    fn amino_string_escaping() {
        let mut out = String::new();
        push_amino_json_string(&mut out, "a&b<c>d\"e\\f\u{0}\u{1f}\n\u{7f}é");
        assert_eq!(
            out,
            "\"a\\u0026b\\u003cc\\u003ed\\\"e\\\\f\\u0000\\u001f\\n\u{7f}é\""
        );
    }

    #[test]
    fn malformed_pubkeys() {
        for key in [&[][..], &[2u8; 32][..], &[2u8; 34][..], &[4u8; 65][..]] {
            assert!(matches!(
                pubkey_to_address(key, "wasm"),
                Err(OrderError::MalformedPubkey { .. })
            ));
        }
        assert!(matches!(
            pubkey_to_address(&[5u8; 33], "wasm"),
            Err(OrderError::MalformedPubkey { .. })
        ));
        assert!(matches!(
            pubkey_to_address(&[2u8; 33], "bad prefix"),
            Err(OrderError::InvalidPrefix { .. })
        ));
        assert!(matches!(
            pubkey_to_address(&[2u8; 33], ""),
            Err(OrderError::InvalidPrefix { .. })
        ));
    }
}
