//! PostgreSQL backend: one pool; row locks and the conditional seat update
//! keep concurrent transactions (from any process) consistent.

use crate::{PoolSettings, StoreError};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres, Transaction};
use std::sync::Arc;
use tokio::sync::Notify;

pub(crate) type Db = Postgres;

pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";

/// Relays in other processes skip the rows this one has locked.
pub(crate) const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

// The same SQL source is compiled once per backend, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "queries.rs"]
mod queries;

// Likewise for the attachment SQL.
#[allow(clippy::duplicate_mod)]
#[path = "attachments.rs"]
mod attachments;

// Likewise for the notification SQL.
#[allow(clippy::duplicate_mod)]
#[path = "notifications.rs"]
mod notifications;

// Likewise for the SQL of notification channels.
#[allow(clippy::duplicate_mod)]
#[path = "channels.rs"]
mod channels;

// And for the invariant checks of `boxoffice check`.
#[allow(clippy::duplicate_mod)]
#[path = "invariants.rs"]
mod invariants;

#[derive(Debug, Clone)]
pub struct Backend {
    pool: Pool<Db>,
    outbox: Arc<Notify>,
}

impl Backend {
    pub(crate) async fn connect(url: &str, settings: PoolSettings) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .connect(url)
            .await?;
        Ok(Backend {
            pool,
            outbox: Arc::new(Notify::new()),
        })
    }

    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Db>, sqlx::Error> {
        self.pool.begin().await
    }

    pub(crate) fn reader(&self) -> &Pool<Db> {
        &self.pool
    }

    pub(crate) fn writer(&self) -> &Pool<Db> {
        &self.pool
    }

    /// Woken after every commit that wrote to the outbox.
    pub(crate) fn outbox_signal(&self) -> &Arc<Notify> {
        &self.outbox
    }

    /// Whether a new connection can be opened within `timeout`, bypassing the pool (whose
    /// connections may all be busy without the database being down).
    pub(crate) async fn reachable(&self, timeout: std::time::Duration) -> bool {
        use sqlx::Connection;
        let options = self.pool.connect_options();
        match tokio::time::timeout(timeout, sqlx::PgConnection::connect_with(&options)).await {
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
                true
            }
            // The server answered, if only to refuse (too many clients, say): it is up.
            // "Shutting down" and "starting up" (57P0x) do not count as up.
            Ok(Err(sqlx::Error::Database(err))) => {
                !err.code().is_some_and(|code| code.starts_with("57P0"))
            }
            Ok(Err(_)) | Err(_) => false,
        }
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}
