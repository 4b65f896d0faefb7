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
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// The database could not be reached (down, restarting, unreachable, or no
    /// connection free within the acquire timeout), as opposed to a refused or
    /// failed statement. Retrying later may succeed.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(err) => is_unavailable(err),
            _ => false,
        }
    }

    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
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
