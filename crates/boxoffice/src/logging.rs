//! Structured logs with `tracing`: text for people, JSON (`LOG_FORMAT=json`) for machines.

use crate::cli::LogFormat;
use tracing_subscriber::EnvFilter;

/// Reads the level from `RUST_LOG` (default `info`).
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
}
