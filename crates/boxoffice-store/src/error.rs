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
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(sqlx::Error),
}

/// Why a transaction may succeed if simply run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transient {
    Deadlock,
    Serialization,
}

impl Transient {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Transient::Deadlock => "deadlock",
            Transient::Serialization => "serialization_failure",
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
    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
    }

    /// A deadlock or serialization failure: the transaction was rolled back and may be retried.
    pub(crate) fn transient(&self) -> Option<Transient> {
        let StoreError::Database(err) = self else {
            return None;
        };
        match sql_state(err).as_deref() {
            Some("40P01") => Some(Transient::Deadlock),
            Some("40001") => Some(Transient::Serialization),
            _ => None,
        }
    }
}
