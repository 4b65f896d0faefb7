//! Which notification process holds whose WebSocket connections, shared through the
//! database so that any process can tell whether a user is online.
//!
//! A process that dies cannot remove its rows, so each one renews a heartbeat and any
//! process sweeps the ones whose heartbeat has expired; their connections go by cascade.

use crate::devices::on_pool;
use crate::{Store, StoreError};
use boxoffice_domain::UserId;
use chrono::{DateTime, Utc};

impl Store {
    /// Renews `process`'s heartbeat; `false` if its row was missing (new, or swept while the
    /// process stalled), in which case the caller records its connections again.
    pub async fn presence_heartbeat(
        &self,
        process: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_pool!(self, writer, pool => {
            let renewed = sqlx::query("UPDATE ws_processes SET heartbeat_at = $1 WHERE process_id = $2")
                .bind(now)
                .bind(process)
                .execute(pool)
                .await?;
            if renewed.rows_affected() == 1 {
                return Ok(true);
            }
            sqlx::query(
                "INSERT INTO ws_processes (process_id, started_at, heartbeat_at) VALUES ($1, $2, $2) \
                 ON CONFLICT (process_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
            )
            .bind(process)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(false)
        })
    }

    /// Records a signed-in user's connection held by `process` (whose heartbeat row exists).
    pub async fn presence_connect(
        &self,
        process: &str,
        connection: u64,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let connection = i64::try_from(connection).unwrap_or(i64::MAX);
        on_pool!(self, writer, pool => {
            sqlx::query(
                "INSERT INTO ws_connections (process_id, connection_id, user_id, connected_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (process_id, connection_id) DO NOTHING",
            )
            .bind(process)
            .bind(connection)
            .bind(user.0)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Forgets a connection that closed.
    pub async fn presence_disconnect(
        &self,
        process: &str,
        connection: u64,
    ) -> Result<(), StoreError> {
        let connection = i64::try_from(connection).unwrap_or(i64::MAX);
        on_pool!(self, writer, pool => {
            sqlx::query("DELETE FROM ws_connections WHERE process_id = $1 AND connection_id = $2")
                .bind(process)
                .bind(connection)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Removes `process` and its connections (a clean shutdown).
    pub async fn presence_leave(&self, process: &str) -> Result<(), StoreError> {
        on_pool!(self, writer, pool => {
            sqlx::query("DELETE FROM ws_processes WHERE process_id = $1")
                .bind(process)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Removes processes whose heartbeat is older than `expired_before`, and their
    /// connections; returns how many processes went.
    pub async fn presence_sweep(&self, expired_before: DateTime<Utc>) -> Result<u64, StoreError> {
        on_pool!(self, writer, pool => {
            let done = sqlx::query("DELETE FROM ws_processes WHERE heartbeat_at < $1")
                .bind(expired_before)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }

    /// Whether `user` has a connection on a process whose heartbeat is newer than `alive_after`.
    pub async fn is_online(
        &self,
        user: UserId,
        alive_after: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_pool!(self, reader, pool => {
            let found: Option<(i64,)> = sqlx::query_as(
                "SELECT c.user_id FROM ws_connections c JOIN ws_processes p ON p.process_id = c.process_id \
                 WHERE c.user_id = $1 AND p.heartbeat_at > $2 LIMIT 1",
            )
            .bind(user.0)
            .bind(alive_after)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// Users online on any live process.
    pub async fn online_users(&self, alive_after: DateTime<Utc>) -> Result<i64, StoreError> {
        on_pool!(self, reader, pool => {
            let (count,): (i64,) = sqlx::query_as(
                "SELECT COUNT(DISTINCT c.user_id) FROM ws_connections c \
                 JOIN ws_processes p ON p.process_id = c.process_id WHERE p.heartbeat_at > $1",
            )
            .bind(alive_after)
            .fetch_one(pool)
            .await?;
            Ok(count)
        })
    }
}
