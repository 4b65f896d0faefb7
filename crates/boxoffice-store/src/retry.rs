//! Runs a write transaction again when the database aborted it as a deadlock
//! victim or for a serialization failure.
//!
//! Lock order prevents the deadlocks we know of; this is the safety net for the
//! ones nobody has thought of. Each attempt is a whole transaction that was
//! rolled back, so running it again is safe.

use crate::StoreError;
use rand::Rng;
use std::future::Future;
use std::time::Duration;

/// Attempts after the first.
pub const MAX_RETRIES: u32 = 4;

/// Backoff before retry `n` (1-based): up to 5, 10, 20, 40 ms, fully jittered so that
/// the colliding transactions do not meet again in step.
fn backoff(retry: u32) -> Duration {
    let ceiling_ms = 5u64 << (retry - 1).min(4);
    Duration::from_micros(rand::rng().random_range(500..=ceiling_ms * 1000))
}

/// Runs `attempt` until it succeeds, fails for a lasting reason, or has been retried
/// [`MAX_RETRIES`] times (then [`StoreError::Contention`]).
pub(crate) async fn retrying<T, F, Fut>(
    operation: &'static str,
    mut attempt: F,
) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut retries = 0;
    loop {
        let err = match attempt().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        let Some(reason) = err.transient() else {
            return Err(err);
        };
        if retries == MAX_RETRIES {
            metrics::counter!("boxoffice_db_retries_exhausted_total", "operation" => operation, "reason" => reason.label()).increment(1);
            tracing::error!(
                operation,
                reason = reason.label(),
                retries,
                "transaction kept colliding; giving up"
            );
            return Err(StoreError::Contention);
        }
        retries += 1;
        metrics::counter!("boxoffice_db_retries_total", "operation" => operation, "reason" => reason.label()).increment(1);
        tracing::warn!(
            operation,
            reason = reason.label(),
            retry = retries,
            "transaction aborted by the database; retrying"
        );
        tokio::time::sleep(backoff(retries)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_jittered_within_its_ceiling() {
        for retry in 1..=MAX_RETRIES {
            let ceiling = Duration::from_millis(5 << (retry - 1));
            for _ in 0..100 {
                let wait = backoff(retry);
                assert!(
                    wait >= Duration::from_micros(500) && wait <= ceiling,
                    "{wait:?}"
                );
            }
        }
    }

    /// A database error with a given SQLSTATE.
    #[derive(Debug)]
    struct Coded(&'static str);

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "SQLSTATE {}", self.0)
        }
    }

    impl std::error::Error for Coded {}

    impl sqlx::error::DatabaseError for Coded {
        fn message(&self) -> &str {
            "test error"
        }
        fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
            Some(self.0.into())
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn failure(code: &'static str) -> StoreError {
        sqlx::Error::Database(Box::new(Coded(code))).into()
    }

    #[tokio::test]
    async fn deadlocks_and_serialization_failures_are_retried_until_the_transaction_commits() {
        let mut calls = 0;
        let result = retrying("test", || {
            calls += 1;
            let outcome = match calls {
                1 => Err(failure("40P01")),
                2 => Err(failure("40001")),
                _ => Ok(calls),
            };
            async move { outcome }
        })
        .await;
        assert_eq!(result.unwrap(), 3);
    }

    #[tokio::test]
    async fn a_transaction_that_keeps_colliding_gives_up_after_the_last_retry() {
        let mut calls = 0;
        let result: Result<(), _> = retrying("test", || {
            calls += 1;
            async { Err(failure("40P01")) }
        })
        .await;
        assert!(matches!(result, Err(StoreError::Contention)));
        assert_eq!(calls, MAX_RETRIES + 1);
    }

    #[test]
    fn a_nul_the_database_cannot_store_is_invalid_text() {
        assert!(matches!(failure("22021"), StoreError::InvalidText));
        assert!(failure("23505").transient().is_none());
    }

    #[tokio::test]
    async fn lasting_errors_are_not_retried() {
        let mut calls = 0;
        let result: Result<(), _> = retrying("test", || {
            calls += 1;
            async { Err(StoreError::EmailTaken) }
        })
        .await;
        assert!(matches!(result, Err(StoreError::EmailTaken)));
        assert_eq!(calls, 1);
    }
}
