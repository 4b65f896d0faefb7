//! Structured logs with `tracing`: text for people, JSON (`LOG_FORMAT=json`) for machines.
//!
//! Lines are written by a background thread, so a request never waits on stderr. Under
//! extreme load, when more than the buffer's lines are pending, new lines are dropped
//! rather than slowing requests down.

use crate::cli::LogFormat;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Lines that may wait for the writer thread.
const BUFFERED_LINES: usize = 128 * 1024;

/// Reads the level from `RUST_LOG` (default `info`). Keep the guard alive: dropping it flushes.
pub fn init(format: LogFormat) -> WorkerGuard {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
    guard
}
