//! PostgreSQL backend: one pool; row locks and the conditional seat update
//! keep concurrent transactions (from any process) consistent.

use crate::batch::EventQueues;
use crate::{PoolSettings, StoreError};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres, Transaction};
use std::sync::Arc;
use tokio::sync::Notify;

pub(crate) type Db = Postgres;

pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";

/// Relays in other processes skip the rows this one has locked.
pub(crate) const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

/// The smaller of two values: `least(a, b)` in this dialect.
pub(crate) const LEAST: &str = "least";

/// Whole seconds since 1970 of a timestamp column, as an integer.
pub(crate) fn epoch_seconds(column: &str) -> String {
    format!("CAST(floor(extract(epoch FROM {column})) AS BIGINT)")
}

// The same SQL source is compiled once per backend, on purpose (ADR 2).
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
pub(crate) mod sql;

#[derive(Debug, Clone)]
pub struct Pools {
    pool: Pool<Db>,
    /// The relay's and the notification history's own connections: under load, requests
    /// queue for `pool`, and delivery must not wait in that queue.
    background: Pool<Db>,
    outbox: Arc<Notify>,
    routing: Arc<Notify>,
    /// Runs the bookings and cancellations of each event in group commits.
    event_queues: Option<EventQueues>,
}

/// Connections of the background pool: the relay, the history writer and the routing of
/// deliveries from the outbox.
const BACKGROUND_CONNECTIONS: u32 = 3;

impl Pools {
    pub(crate) async fn connect(url: &str, settings: PoolSettings) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .connect(url)
            .await?;
        let background = PgPoolOptions::new()
            .max_connections(BACKGROUND_CONNECTIONS)
            .acquire_timeout(settings.acquire_timeout)
            .connect_lazy_with(pool.connect_options().as_ref().clone());
        let outbox = Arc::new(Notify::new());
        // The leaders write through connections of their own: under a flash sale thousands
        // of requests queue for `pool`, and a leader waiting among them would stall every
        // booking of its event. One leader per event holds one at a time, so as many
        // events as the main pool has connections can be written at once.
        let event_queues = settings.postgres_group_commit.then(|| {
            let leaders = PgPoolOptions::new()
                .max_connections(settings.max_connections)
                .acquire_timeout(settings.acquire_timeout)
                .connect_lazy_with(pool.connect_options().as_ref().clone());
            EventQueues::new(leaders, pool.clone(), outbox.clone())
        });
        Ok(Pools {
            pool,
            background,
            outbox,
            routing: Arc::new(Notify::new()),
            event_queues,
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

    pub(crate) async fn begin_background(&self) -> Result<Transaction<'static, Db>, sqlx::Error> {
        self.background.begin().await
    }

    pub(crate) fn background(&self) -> &Pool<Db> {
        &self.background
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

    /// Woken when this process published messages whose deliveries are routed from the outbox.
    pub(crate) fn routing_signal(&self) -> &Arc<Notify> {
        &self.routing
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

    pub(crate) fn event_queues(&self) -> Option<&EventQueues> {
        self.event_queues.as_ref()
    }

    pub(crate) async fn close(&self) {
        if let Some(queues) = &self.event_queues {
            queues.close().await;
        }
        self.pool.close().await;
        self.background.close().await;
    }
}
