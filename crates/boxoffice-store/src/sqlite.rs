//! SQLite backend: a WAL-mode file with one writer connection and a pool of readers.
//!
//! SQLite admits one writer at a time. Funnelling writes through one
//! connection that opens transactions with `BEGIN IMMEDIATE` turns contention
//! into an orderly queue instead of `SQLITE_BUSY` errors; other processes
//! sharing the file wait on the busy timeout.

use crate::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub(crate) type Db = Sqlite;

/// Row locks are implicit: a write transaction holds the whole database.
pub(crate) const FOR_UPDATE: &str = "";

/// One writer at a time: nothing to skip.
pub(crate) const SKIP_LOCKED: &str = "";

// The same SQL source is compiled once per backend, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "queries.rs"]
mod queries;

// Likewise for the notification SQL.
#[allow(clippy::duplicate_mod)]
#[path = "notifications.rs"]
mod notifications;

// And for the invariant checks of `boxoffice check`.
#[allow(clippy::duplicate_mod)]
#[path = "invariants.rs"]
mod invariants;

#[derive(Debug, Clone)]
pub struct Backend {
    read: Pool<Db>,
    write: Pool<Db>,
    outbox: Arc<Notify>,
}

impl Backend {
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        let readers = std::thread::available_parallelism()
            .map_or(4, |n| n.get() as u32 * 2)
            .max(4);
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Backend {
            read,
            write,
            outbox: Arc::new(Notify::new()),
        })
    }

    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.write)
            .await?;
        Ok(())
    }

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Db>, sqlx::Error> {
        self.write.begin_with("BEGIN IMMEDIATE").await
    }

    pub(crate) fn reader(&self) -> &Pool<Db> {
        &self.read
    }

    pub(crate) fn writer(&self) -> &Pool<Db> {
        &self.write
    }

    /// Woken after every commit that wrote to the outbox.
    pub(crate) fn outbox_signal(&self) -> &Arc<Notify> {
        &self.outbox
    }

    /// Whether the file answers a query within `timeout`.
    pub(crate) async fn reachable(&self, timeout: Duration) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.read);
        matches!(tokio::time::timeout(timeout, ping).await, Ok(Ok(_)))
    }

    pub(crate) async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}
