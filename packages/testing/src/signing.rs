//! Real secp256k1 keys for the test traders, and orders signed exactly as Keplr's
//! `signArbitrary` signs them (ADR-36 sign doc, sha256, ECDSA, low-S, r‖s). The contract
//! verifies these like any wallet's signature.

use ballast_types::clearinghouse::SignedOrder;
use ballast_types::order::{adr36_sign_bytes, pubkey_to_address, Order, Side};
use cosmwasm_std::{Addr, Decimal};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::Suite;

/// The bech32 prefix of cw-multi-test's chain.
pub const PREFIX: &str = "cosmwasm";

/// A deterministic test key: sha256 of the trader's name. Never for funds.
pub fn trader_key(name: &str) -> SigningKey {
    let seed = Sha256::digest(name.as_bytes());
    SigningKey::from_slice(&seed).expect("sha256 of a name is a valid secp256k1 scalar")
}

pub fn pubkey(key: &SigningKey) -> Vec<u8> {
    key.verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .to_vec()
}

pub fn trader_address(key: &SigningKey) -> Addr {
    Addr::unchecked(pubkey_to_address(&pubkey(key), PREFIX).expect("address of a valid key"))
}

/// Signs `order` with `key` as Keplr's `signArbitrary` would: the ADR-36 doc names the
/// key's own address as signer (the owner's, or an agent's trading for the owner).
pub fn sign(key: &SigningKey, order: Order) -> SignedOrder {
    let signer = trader_address(key);
    let doc = adr36_sign_bytes(signer.as_str(), &order.canonical_bytes());
    let hash = Sha256::digest(&doc);
    let sig: Signature = key.sign_prehash(&hash).expect("signing a 32-byte hash");
    let sig = sig.normalize_s().unwrap_or(sig);
    SignedOrder {
        order,
        pubkey: pubkey(key).into(),
        signature: sig.to_bytes().to_vec().into(),
    }
}

impl Suite {
    /// An order of trader `t`'s account `sub_id`, valid for an hour on this deployment.
    pub fn order(
        &self,
        t: usize,
        sub_id: u32,
        market: &str,
        side: Side,
        size: &str,
        limit: &str,
        nonce: u64,
    ) -> Order {
        Order {
            chain_id: self.app.block_info().chain_id,
            contract: self.ch().clearinghouse.to_string(),
            expiry: self.now() + 3600,
            limit_price: limit.parse::<Decimal>().expect("limit price"),
            market: market.to_string(),
            nonce,
            owner: self.traders[t].to_string(),
            side,
            size: size.parse::<Decimal>().expect("size"),
            sub_id,
        }
    }

    /// The order signed by its trader's key.
    pub fn signed(&self, t: usize, order: Order) -> SignedOrder {
        sign(&self.keys[t], order)
    }

    /// Submits a match from a third party (the matcher is the suite's owner account).
    pub fn settle(
        &mut self,
        maker: SignedOrder,
        taker: SignedOrder,
        size: &str,
        price: &str,
    ) -> crate::AnyResult<cw_multi_test::AppResponse> {
        let matcher = self.app.api().addr_make("matcher");
        let msg = ballast_types::clearinghouse::ExecuteMsg::SettleMatch {
            maker,
            taker,
            size: size.parse().expect("size"),
            price: price.parse().expect("price"),
        };
        self.ch_exec(&matcher, &msg, &[])
    }
}
