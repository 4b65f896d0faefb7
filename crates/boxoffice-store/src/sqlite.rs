//! SQLite backend: a WAL-mode file with one writer connection and a pool of readers.
//!
//! SQLite admits one writer at a time. Funnelling writes through one
//! connection that opens transactions with `BEGIN IMMEDIATE` turns contention
//! into an orderly queue instead of `SQLITE_BUSY` errors; other processes
//! sharing the file wait on the busy timeout. Bookings and cancellations go to the
//! batch writer (`batch/`), which takes its turns on that same connection's queue.

use crate::StoreError;
use crate::batch::BatchWriter;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Pool, Sqlite, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub(crate) type Db = Sqlite;

/// A row of `pragma_foreign_key_check`: a row whose foreign key points nowhere.
#[derive(Debug, sqlx::FromRow)]
struct DanglingRow {
    table: String,
    rowid: i64,
    parent: String,
}

/// Row locks are implicit: a write transaction holds the whole database.
pub(crate) const FOR_UPDATE: &str = "";

/// One writer at a time: nothing to skip.
pub(crate) const SKIP_LOCKED: &str = "";

/// The smaller of two values: `min(a, b)` in this dialect.
pub(crate) const LEAST: &str = "min";

/// Whole seconds since 1970 of a timestamp column, as an integer.
pub(crate) fn epoch_seconds(column: &str) -> String {
    format!("CAST(strftime('%s', {column}) AS INTEGER)")
}

// The same SQL source is compiled once per backend, on purpose (ADR 2).
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
pub(crate) mod sql;

#[derive(Debug, Clone)]
pub struct Pools {
    options: Arc<SqliteConnectOptions>,
    read: Pool<Db>,
    write: Pool<Db>,
    outbox: Arc<Notify>,
    routing: Arc<Notify>,
    /// Runs bookings and cancellations in group commits; none for an in-memory database,
    /// which a second connection could not see.
    batch: Option<BatchWriter>,
}

impl Pools {
    pub(crate) async fn connect(url: &str, group_commit: bool) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // No ping before handing out a connection (sqlx's default): a connection to a local
        // file cannot go stale, and the ping is one more round trip to the connection's
        // thread per statement.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let readers = std::thread::available_parallelism()
            .map_or(4, |n| n.get() as u32 * 2)
            .max(4);
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .test_before_acquire(false)
            .connect_with(options.clone().read_only(true))
            .await?;
        // Distance searches compute in SQL; better no start than a 500 on the first search.
        if sqlx::query("SELECT asin(sin(radians(1.0)))")
            .execute(&read)
            .await
            .is_err()
        {
            return Err(StoreError::SqliteWithoutMath);
        }
        let outbox = Arc::new(Notify::new());
        let file = options.get_filename();
        let batch = if !group_commit || file == Path::new(":memory:") {
            None
        } else {
            Some(BatchWriter::start(file, write.clone(), outbox.clone())?)
        };
        Ok(Pools {
            options: Arc::new(options),
            read,
            write,
            outbox,
            routing: Arc::new(Notify::new()),
            batch,
        })
    }

    /// Runs the migrations on a connection of their own with foreign keys off: a
    /// migration that rebuilds a table (SQLite's only way to change a constraint)
    /// would otherwise cascade the drop of the old table into its children. The
    /// foreign keys are then checked, and the process refuses to start if any
    /// row points nowhere.
    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        let options = (*self.options).clone().foreign_keys(false);
        let mut conn = options.connect().await?;
        sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
        let dangling: Vec<DanglingRow> =
            sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                .fetch_all(&mut conn)
                .await?;
        conn.close().await?;
        if let Some(DanglingRow {
            table,
            rowid,
            parent,
        }) = dangling.first()
        {
            return Err(StoreError::Corrupt(format!(
                "{} rows point nowhere after migrating, e.g. {table} row {rowid} into {parent}",
                dangling.len()
            )));
        }
        Ok(())
    }

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Db>, sqlx::Error> {
        self.write.begin_with("BEGIN IMMEDIATE").await
    }

    /// SQLite has one writer: background work takes its turns like any other write,
    /// between the batch writer's group commits.
    pub(crate) async fn begin_background(&self) -> Result<Transaction<'static, Db>, sqlx::Error> {
        self.begin_write().await
    }

    pub(crate) fn background(&self) -> &Pool<Db> {
        &self.write
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

    /// Woken when this process published messages whose deliveries are routed from the outbox.
    pub(crate) fn routing_signal(&self) -> &Arc<Notify> {
        &self.routing
    }

    /// Whether the file answers a query within `timeout`.
    /// Whether the file can be opened and read, on a fresh connection: through the pool, a
    /// check under load would wait behind every queued request and call a busy database down.
    pub(crate) async fn reachable(&self, timeout: Duration) -> bool {
        let options = (*self.options)
            .clone()
            .read_only(true)
            .create_if_missing(false);
        let check = async {
            let mut connection = options.connect().await?;
            sqlx::query("SELECT 1").execute(&mut connection).await?;
            connection.close().await
        };
        matches!(tokio::time::timeout(timeout, check).await, Ok(Ok(())))
    }

    pub(crate) fn batch_writer(&self) -> Option<&BatchWriter> {
        self.batch.as_ref()
    }

    pub(crate) async fn close(&self) {
        if let Some(batch) = &self.batch {
            batch.close().await;
        }
        self.read.close().await;
        self.write.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_busy_pool_is_not_a_database_down() {
        let dir = std::env::temp_dir().join(format!("boxoffice-reachable-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let url = format!("sqlite://{}", dir.join("busy.db").display());
        let pools = Pools::connect(&url, false).await.expect("connect");
        let mut held = Vec::new();
        for _ in 0..pools.read.options().get_max_connections() {
            held.push(pools.read.acquire().await.expect("a pooled connection"));
        }
        assert!(
            pools.reachable(Duration::from_secs(1)).await,
            "every pooled connection busy, the file fine"
        );
        drop(held);
        std::fs::remove_dir_all(&dir).expect("remove the database");
        assert!(
            !pools.reachable(Duration::from_secs(1)).await,
            "the file is gone"
        );
        pools.close().await;
    }
}
