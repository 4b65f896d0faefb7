//! Bearer secrets handed to clients once (attendee tokens, cancel tokens).
//!
//! Only a SHA-256 hash is stored: the tokens carry 256 random bits, so a fast
//! hash is enough and lookups stay a single indexed equality.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

/// A freshly generated secret, shown to its holder exactly once.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

/// The stored form of a [`SecretToken`]: lower-case hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHash(pub String);

impl SecretToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        SecretToken(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token kept verbatim so that a repeated request can be answered as the first was.
    pub fn restore(kept: String) -> Self {
        SecretToken(kept)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> SecretHash {
        SecretHash::of(&self.0)
    }
}

impl SecretHash {
    /// Hashes a token presented by a client, for lookup.
    pub fn of(presented: &str) -> Self {
        let digest = Sha256::digest(presented.trim().as_bytes());
        SecretHash(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hash_deterministically() {
        let a = SecretToken::generate();
        let b = SecretToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.hash(), SecretHash::of(a.expose()));
        assert_eq!(a.hash().0.len(), 64);
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let t = SecretToken::generate();
        assert!(!format!("{t:?}").contains(t.expose()));
    }
}
