//! Connection pool settings.

/// How the connection pool behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Upper bound of the PostgreSQL pool (SQLite uses one writer and a few readers).
    pub max_connections: u32,
    /// How long a query may wait for a PostgreSQL connection, including connecting,
    /// before it fails as unavailable: bounds the queue on an exhausted pool. (An outage
    /// is detected sooner, by a connection that fails and a probe that confirms it.)
    pub acquire_timeout: std::time::Duration,
    /// SQLite: run bookings and cancellations in group commits on the batch writer; off,
    /// each runs in a transaction of its own on the writer connection.
    pub sqlite_group_commit: bool,
    /// PostgreSQL: run the bookings and cancellations of one event, queued in this process,
    /// in group commits; off, each runs in a transaction of its own.
    pub postgres_group_commit: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            acquire_timeout: std::time::Duration::from_secs(30),
            sqlite_group_commit: true,
            postgres_group_commit: true,
        }
    }
}
