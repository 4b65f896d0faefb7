//! `Idempotency-Key`: a repeated booking request returns the first response and books nothing more.

use crate::error::{ApiError, ErrorCode};
use crate::extract::header_text;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use boxoffice_store::IdempotencyKey;
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";
/// How long a key is remembered.
pub const RETENTION_HOURS: i64 = 24;

/// The client's key, if it sent one; the scope is the method and path.
#[derive(Debug, Clone)]
pub struct MaybeIdempotencyKey(Option<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeIdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        if parts
            .headers
            .get(HEADER)
            .is_some_and(|value| value.to_str().is_err())
        {
            // Ignoring it would book again on a repeat: the client must hear about it.
            return Err(ApiError::new(
                ErrorCode::InvalidIdempotencyKey,
                "Idempotency-Key must be visible ASCII text.",
            ));
        }
        let Some(key) = header_text(&parts.headers, HEADER) else {
            return Ok(MaybeIdempotencyKey(None));
        };
        if key.len() > 255 {
            return Err(ApiError::new(
                ErrorCode::InvalidIdempotencyKey,
                "Idempotency-Key must be at most 255 characters.",
            ));
        }
        let scope = format!(
            "{} {}",
            parts.method,
            parts.uri.path().trim_end_matches('/')
        );
        Ok(MaybeIdempotencyKey(Some((scope, key.to_owned()))))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl MaybeIdempotencyKey {
    /// Binds the key to a fingerprint of the request it came with.
    pub fn for_request(&self, request: &impl serde::Serialize) -> Option<IdempotencyKey> {
        self.0.as_ref().map(|(scope, key)| IdempotencyKey {
            scope: scope.clone(),
            key_hash: sha256_hex(key.as_bytes()),
            request_hash: sha256_hex(&serde_json::to_vec(request).unwrap_or_default()),
        })
    }
}
