//! Random secrets handed out once (session ids, API tokens, CSRF tokens) and the hashes kept
//! of them. They carry 256 random bits, so a plain SHA-256 is enough to store them.

use anyhow::Result;
use strata_shared::digest::sha256_hex;

pub fn fresh() -> Result<String> {
    crate::identity::random_hex(32)
}

pub fn hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// Compares without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}
