//! Idempotency keys: a repeated request gets what the first one produced.
//!
//! The outcome is stored as the caller serialized it; the store neither reads nor renders it.

use super::{Pools, Tx};
use crate::rows::{IdempotencyRow, PENDING, RECORDED};
use crate::{IdempotencyKey, KeyClaim, StoreError};
use chrono::{DateTime, Utc};

/// Takes a key; nothing where it was taken before.
pub(crate) const CLAIM_KEY: &str = "INSERT INTO idempotency_keys (scope, key_hash, request_hash, status_code, response_body, created_at) \
     VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT DO NOTHING RETURNING status_code";
/// What the first request with a key was, and what it produced.
pub(crate) const READ_KEY: &str = "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key_hash = $2";
/// The outcome of the request that took a key.
pub(crate) const RECORD_OUTCOME: &str = "UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE scope = $3 AND key_hash = $4";

impl Pools {
    pub(crate) async fn purge_idempotency_keys(
        &self,
        before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(before)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }
}

/// Records the key as taken by this transaction, or says what the first request with it did.
pub(crate) async fn claim_key(
    tx: &mut Tx<'_>,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> Result<KeyClaim, StoreError> {
    // Concurrent requests with one key queue on this insert until the first commits.
    let claimed: Option<i32> = sqlx::query_scalar(CLAIM_KEY)
        .bind(&key.scope)
        .bind(&key.key_hash)
        .bind(&key.request_hash)
        .bind(PENDING)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    if claimed.is_some() {
        return Ok(KeyClaim::Fresh);
    }
    let row: IdempotencyRow = sqlx::query_as(READ_KEY)
        .bind(&key.scope)
        .bind(&key.key_hash)
        .fetch_one(&mut **tx)
        .await?;
    row.into_claim(key)
}

/// Stores the outcome of the request that claimed `key`, committed with its transaction.
pub(crate) async fn record_outcome(
    tx: &mut Tx<'_>,
    key: &IdempotencyKey,
    outcome: &str,
) -> Result<(), StoreError> {
    sqlx::query(RECORD_OUTCOME)
        .bind(RECORDED)
        .bind(outcome)
        .bind(&key.scope)
        .bind(&key.key_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
