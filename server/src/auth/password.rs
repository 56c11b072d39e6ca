//! Password hashes: argon2id with the crate's recommended parameters, as PHC strings.

use anyhow::{Result, anyhow};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> Result<String> {
    let salt =
        SaltString::encode_b64(&crate::identity::random_bytes(16)?).map_err(|e| anyhow!("cannot make a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow!("cannot hash the password: {e}"))
}

/// Whether `password` matches `stored`. Without a stored hash (no such user) the same work is
/// done against a fixed hash, so timing does not tell which names exist.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DECOY);
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && stored != DECOY
}

/// The hash of a random password nobody knows, with the default parameters.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c3RyYXRhZGVjb3lzYWx0$8vW6ZkqH5ZpSKz1o7I0C3cR3Vt0T9o1n3tq7mJ2kY5o";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse battery!", Some(&stored)));
        assert!(!verify("anything", None));
        assert_ne!(hash("correct horse battery").unwrap(), stored, "salted");
    }

    #[test]
    fn the_decoy_parses_so_unknown_names_cost_the_same() {
        assert!(PasswordHash::new(DECOY).is_ok());
    }
}
