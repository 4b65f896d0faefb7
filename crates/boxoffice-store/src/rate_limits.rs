//! Rate-limit counters in PostgreSQL, shared by every process on the database (GCRA).
//!
//! [`RateLimitTable::take`] costs one statement when the request is allowed and a second,
//! read-only one when it is refused (to tell the caller how long to wait).

use crate::StoreError;
use sqlx::{Pool, Postgres};
use std::time::Duration;

/// A generic cell rate: `burst` requests at once, then one per `interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub interval: Duration,
    pub burst: u32,
}

impl Rate {
    fn interval_micros(self) -> i64 {
        i64::try_from(self.interval.as_micros()).unwrap_or(i64::MAX)
    }

    /// How far ahead of now the theoretical arrival time may run.
    fn window_micros(self) -> i64 {
        self.interval_micros().saturating_mul(i64::from(self.burst))
    }
}

/// The `rate_limits` table of a PostgreSQL store.
#[derive(Debug, Clone)]
pub struct RateLimitTable {
    pool: Pool<Postgres>,
}

const TAKE: &str = "INSERT INTO rate_limits AS r (bucket, client, tat) \
    VALUES ($1, $2, now() + $3 * INTERVAL '1 microsecond') \
    ON CONFLICT (bucket, client) DO UPDATE \
    SET tat = GREATEST(r.tat, now()) + $3 * INTERVAL '1 microsecond' \
    WHERE GREATEST(r.tat, now()) + $3 * INTERVAL '1 microsecond' <= now() + $4 * INTERVAL '1 microsecond' \
    RETURNING 1";

const AHEAD: &str = "SELECT (EXTRACT(EPOCH FROM (tat - now())) * 1000000)::BIGINT \
    FROM rate_limits WHERE bucket = $1 AND client = $2";

impl RateLimitTable {
    pub(crate) fn new(pool: Pool<Postgres>) -> Self {
        RateLimitTable { pool }
    }

    /// Counts one request of `client` against `bucket`: `None` if allowed, else how long
    /// until the next request can be.
    pub async fn take(
        &self,
        bucket: &str,
        client: &str,
        rate: Rate,
    ) -> Result<Option<Duration>, StoreError> {
        let allowed = sqlx::query(TAKE)
            .bind(bucket)
            .bind(client)
            .bind(rate.interval_micros())
            .bind(rate.window_micros())
            .fetch_optional(&self.pool)
            .await?;
        if allowed.is_some() {
            return Ok(None);
        }
        let ahead: Option<i64> = sqlx::query_scalar(AHEAD)
            .bind(bucket)
            .bind(client)
            .fetch_optional(&self.pool)
            .await?;
        // Allowed again once `tat + interval - window` has passed.
        let wait = ahead
            .map_or(rate.interval_micros(), |ahead| {
                ahead + rate.interval_micros() - rate.window_micros()
            })
            .max(1);
        Ok(Some(Duration::from_micros(wait.unsigned_abs())))
    }

    /// Forgets clients back at full allowance; returns how many rows went.
    pub async fn purge(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM rate_limits WHERE tat < now()")
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
