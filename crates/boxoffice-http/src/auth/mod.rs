//! Accounts: password hashing, JWT access tokens, the signed-in extractors,
//! and per-IP rate limits.

mod caller;
mod client_ip;
mod password;
mod rate_limit;
mod service;
mod shared_limit;
mod token;

pub use caller::{MaybeSignedIn, SignedIn, authenticate, check_bearer};
pub use client_ip::{ClientIp, TrustedProxies, peer_ip};
pub use password::Passwords;
pub use rate_limit::{RateLimits, limit_api};
pub use service::{INTERNAL_PREFIX, ServiceCaller};
pub use shared_limit::SHARED_TIMEOUT;
pub use token::{Claims, TokenIssuer, TokenUser};

use secrecy::SecretSlice;

/// How accounts are secured; built once at start-up.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// HMAC key for HS256 access tokens (at least 32 bytes).
    pub jwt_secret: SecretSlice<u8>,
    /// bcrypt work factor (4 to 31; 12 by default).
    pub bcrypt_cost: u32,
    /// Lifetime of an access token.
    pub token_ttl: std::time::Duration,
}

impl AuthSettings {
    pub const MIN_SECRET_BYTES: usize = 32;
}
