//! Storage errors: the few a caller can act on, and everything else.

/// What went wrong in the database layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("an attendee with this e-mail address already exists")]
    EmailTaken,
    #[error("an account with this e-mail address already exists")]
    AccountEmailTaken,
    #[error("this username is taken")]
    UsernameTaken,
    /// The database refused a text value it cannot store (PostgreSQL and NUL).
    #[error("a text value holds a character the database cannot store")]
    InvalidText,
    /// Transactions kept colliding (deadlocks or serialization failures) after every retry.
    #[error("the database stayed too contended to finish the transaction")]
    Contention,
    /// The linked SQLite was built without its math functions, which distance searches use.
    #[error(
        "this build's SQLite has no math functions (sin, cos, ...): build it with \
         LIBSQLITE3_FLAGS=-DSQLITE_ENABLE_MATH_FUNCTIONS, as the repository's .cargo/config.toml does"
    )]
    SqliteWithoutMath,
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(sqlx::Error),
    /// A statement of the SQLite batch writer failed.
    #[error(transparent)]
    Native(#[from] rusqlite::Error),
    /// The batch a write was part of did not commit: nothing of it was kept. `unavailable`
    /// when the cause was the database going away.
    #[error("the batch of writes did not commit: {reason}")]
    BatchNotCommitted { reason: String, unavailable: bool },
    /// The batch a write was part of was rolled back because another caller in it stopped
    /// waiting; nothing of it was kept, and running the write again is safe.
    #[error("the batch of writes was rolled back; run the write again")]
    BatchRolledBack,
    /// The batch writer has stopped (the store is closing): the write was not run.
    #[error("the database writer has stopped")]
    WriterStopped,
}

/// Why a transaction may succeed if simply run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transient {
    Deadlock,
    Serialization,
    BatchRolledBack,
}

impl Transient {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Transient::Deadlock => "deadlock",
            Transient::Serialization => "serialization_failure",
            Transient::BatchRolledBack => "batch_rolled_back",
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match sql_state(&err).as_deref() {
            // character_not_in_repertoire ("invalid byte sequence ... 0x00"), untranslatable_character
            Some("22021" | "22P05") => StoreError::InvalidText,
            _ => StoreError::Database(err),
        }
    }
}

fn sql_state(err: &sqlx::Error) -> Option<String> {
    match err {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

impl StoreError {
    /// The database could not be reached (down, restarting, unreachable, or no
    /// connection free within the acquire timeout), as opposed to a refused or
    /// failed statement. Retrying later may succeed.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(err) => is_unavailable(err),
            StoreError::WriterStopped => true,
            StoreError::BatchNotCommitted { unavailable, .. } => *unavailable,
            // Another process held the file past the busy timeout.
            StoreError::Native(err) => {
                err.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
            }
            _ => false,
        }
    }

    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
    }

    /// A deadlock, a serialization failure or a batch rolled back: the transaction was
    /// rolled back and may be retried.
    pub(crate) fn transient(&self) -> Option<Transient> {
        let err = match self {
            StoreError::Database(err) => err,
            StoreError::BatchRolledBack => return Some(Transient::BatchRolledBack),
            _ => return None,
        };
        match sql_state(err).as_deref() {
            Some("40P01") => Some(Transient::Deadlock),
            Some("40001") => Some(Transient::Serialization),
            _ => None,
        }
    }
}

/// Connection-level failures, and PostgreSQL's own "not now" answers: class 08
/// (connection exception), 57P01-57P03 (shut down by an administrator, crash
/// shutdown, cannot connect now).
fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_are_unavailability_and_refusals_are_not() {
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(StoreError::Database(sqlx::Error::Io(io)).is_unavailable());
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_unavailable());
        assert!(!StoreError::EmailTaken.is_unavailable());
    }
}
