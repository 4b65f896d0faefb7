//! Idempotency keys: a repeated request gets what the first one produced.
//!
//! The outcome is stored as the caller serialized it; the store neither reads nor renders it.

use super::{Pools, Tx};
use crate::rows::IdempotencyRow;
use crate::{IdempotencyKey, KeyClaim, StoreError};
use chrono::{DateTime, Utc};

/// `status_code` of a key whose request is still in its transaction.
const PENDING: i32 = 0;
/// `status_code` of a key whose outcome is recorded in `response_body`.
const RECORDED: i32 = 1;

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
    let claimed: Option<i32> = sqlx::query_scalar(
        "INSERT INTO idempotency_keys (scope, key_hash, request_hash, status_code, response_body, created_at) \
         VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT DO NOTHING RETURNING status_code",
    )
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
    let row: IdempotencyRow = sqlx::query_as(
        "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key_hash = $2",
    )
    .bind(&key.scope)
    .bind(&key.key_hash)
    .fetch_one(&mut **tx)
    .await?;
    if row.request_hash != key.request_hash {
        return Ok(KeyClaim::OtherRequest);
    }
    if row.status_code != RECORDED {
        return Err(StoreError::Corrupt(format!(
            "idempotency key of {} has no recorded outcome (status {})",
            key.scope, row.status_code
        )));
    }
    Ok(KeyClaim::Seen(row.response_body))
}

/// Stores the outcome of the request that claimed `key`, committed with its transaction.
pub(crate) async fn record_outcome(
    tx: &mut Tx<'_>,
    key: &IdempotencyKey,
    outcome: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE scope = $3 AND key_hash = $4",
    )
    .bind(RECORDED)
    .bind(outcome)
    .bind(&key.scope)
    .bind(&key.key_hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
