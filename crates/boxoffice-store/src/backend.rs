//! Which database a store runs on.

/// The database engine behind a [`crate::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file: one process, one writer.
    Sqlite,
    /// A PostgreSQL server, shared by any number of processes.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`, as logs, `/health` and the CLI name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
