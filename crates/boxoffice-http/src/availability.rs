//! Failing fast while the database is down.
//!
//! The first request that finds the database unreachable waits at most the pool's
//! acquire timeout and answers 503 `database_unavailable`. It also marks the database
//! down: from then on, requests that need it answer the same 503 at once, without
//! queueing on the pool, and a single probe pings the database a few times a second.
//! The first successful ping marks it up again, so service resumes by itself.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use boxoffice_store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the probe pings a database that is down.
const PROBE_INTERVAL: Duration = Duration::from_millis(250);

/// Seconds a client is told to wait (`Retry-After`) while the database is down.
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// Marks a response that failed because the database was unreachable.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseUnavailable;

/// Whether the database is known to be down; shared by every request of a process.
#[derive(Debug, Default)]
pub struct DatabaseHealth {
    down: AtomicBool,
}

impl DatabaseHealth {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Records that the database did not answer; starts the probe unless one runs.
    pub fn mark_down(self: &Arc<Self>, store: &Store) {
        if self.down.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::error!(
            database = store.kind(),
            "database unavailable: answering 503 until it is back"
        );
        metrics::gauge!("boxoffice_database_up").set(0.0);
        tokio::spawn(probe(Arc::clone(self), store.clone()));
    }

    fn mark_up(&self, store: &Store) {
        self.down.store(false, Ordering::Release);
        metrics::gauge!("boxoffice_database_up").set(1.0);
        tracing::info!(database = store.kind(), "database available again");
    }
}

/// Pings until the database answers, then marks it up.
async fn probe(health: Arc<DatabaseHealth>, store: Store) {
    loop {
        tokio::time::sleep(PROBE_INTERVAL).await;
        if store.ping().await.is_ok() {
            health.mark_up(&store);
            return;
        }
    }
}

/// Paths that never touch the database: they are served even while it is down.
fn needs_database(path: &str) -> bool {
    !matches!(path, "/healthz" | "/readyz" | "/metrics" | "/openapi.json")
        && !path.starts_with("/docs")
        && !crate::routes::webapp::is_app_path(path)
}

/// Middleware: 503 at once while the database is down; marks it down when a request
/// finds it unreachable.
pub async fn guard_database(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if !needs_database(request.uri().path()) {
        return next.run(request).await;
    }
    if app.database.is_down() {
        metrics::counter!("boxoffice_database_unavailable_responses_total").increment(1);
        return ApiError::database_unavailable().into_response();
    }
    let response = next.run(request).await;
    if response.extensions().get::<DatabaseUnavailable>().is_some() {
        metrics::counter!("boxoffice_database_unavailable_responses_total").increment(1);
        app.database.mark_down(&app.store);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operational_paths_and_static_pages_do_not_need_the_database() {
        assert!(!needs_database("/healthz"));
        assert!(!needs_database("/readyz"));
        assert!(!needs_database("/docs/index.html"));
        assert!(needs_database("/events"));
        assert!(needs_database("/events/1/book"));
    }
}
