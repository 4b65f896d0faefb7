//! Command line and environment: every setting is a flag and an environment variable.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "boxoffice",
    version,
    about = "Event booking platform: events, attendees and bookings that never overbook."
)]
pub struct Cli {
    /// Log output: human-readable text, or one JSON object per line.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API server (migrates the database first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Load sample data (db/seed_data.sql, built in) into the database.
    Seed {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Load this SQL file instead of the built-in sample data.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (created if missing) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://boxoffice.db")]
    pub database_url: String,
    /// Upper bound of the PostgreSQL connection pool (SQLite uses one writer and a few readers).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (printed on start).
    #[arg(long, env = "PORT", default_value_t = 8000)]
    pub port: u16,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "BODY_LIMIT_BYTES", default_value_t = 64 * 1024)]
    pub body_limit: usize,
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(
            redact("postgres://bob:secret@db/app"),
            "postgres://bob:***@db/app"
        );
        assert_eq!(redact("postgres://bob@db/app"), "postgres://bob@db/app");
        assert_eq!(redact("sqlite://boxoffice.db"), "sqlite://boxoffice.db");
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
