//! Failing fast while the database is down.
//!
//! A request whose query fails for want of a connection (a broken or refused connection,
//! PostgreSQL shutting down, or no pooled connection free within the acquire timeout)
//! answers 503 `database_unavailable` and makes the database *suspect*; so does any
//! request still unanswered after a quarter of a second. One check then
//! opens a fresh connection, bypassing the pool: if that fails too, the database is
//! marked *down*; if it succeeds, the pool was merely busy (overload) and nothing changes.
//!
//! While down, requests that need the database answer the same 503 at once, requests
//! already waiting are answered at once too, and a probe tries a fresh connection a few
//! times a second. The first that succeeds marks the database up, and service resumes
//! by itself.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use boxoffice_store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// How often the probe tries a database that is down.
const PROBE_INTERVAL: Duration = Duration::from_millis(250);

/// A request taking longer than this makes the database suspect.
const SLOW_REQUEST: Duration = Duration::from_millis(250);

/// How long one check may take to open a connection.
const CHECK_TIMEOUT: Duration = Duration::from_secs(1);

/// After a check found the database reachable, the next waits at least this long.
const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Seconds a client is told to wait (`Retry-After`) while the database is down.
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// Marks a response that failed because the database was unreachable.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseUnavailable;

/// Whether the database is known to be down; shared by every request of a process.
#[derive(Debug)]
pub struct DatabaseHealth {
    down: watch::Sender<bool>,
    /// A check or probe is running.
    checking: AtomicBool,
}

impl DatabaseHealth {
    pub fn new() -> Arc<Self> {
        Arc::new(DatabaseHealth {
            down: watch::Sender::new(false),
            checking: AtomicBool::new(false),
        })
    }

    pub fn is_down(&self) -> bool {
        *self.down.borrow()
    }

    /// Resolves once the database is marked down.
    async fn went_down(&self) {
        let mut down = self.down.subscribe();
        let _ = down.wait_for(|down| *down).await;
    }

    /// A query could not get a connection: checks, once at a time, whether the database
    /// is down or the pool only busy.
    pub fn suspect(self: &Arc<Self>, store: &Store) {
        if self.is_down() || self.checking.swap(true, Ordering::AcqRel) {
            return;
        }
        let (health, store) = (Arc::clone(self), store.clone());
        tokio::spawn(async move {
            if store.reachable(CHECK_TIMEOUT).await {
                tracing::debug!("database reachable: requests are slow, not failing");
                tokio::time::sleep(CHECK_INTERVAL).await;
            } else {
                health.set_down(&store);
                probe(&health, &store).await;
                health.set_up(&store);
            }
            health.checking.store(false, Ordering::Release);
        });
    }

    fn set_down(&self, store: &Store) {
        tracing::error!(
            database = store.backend().as_str(),
            "database unavailable: answering 503 until it is back"
        );
        metrics::gauge!("boxoffice_database_up").set(0.0);
        self.down.send_replace(true);
    }

    fn set_up(&self, store: &Store) {
        self.down.send_replace(false);
        metrics::gauge!("boxoffice_database_up").set(1.0);
        tracing::info!(
            database = store.backend().as_str(),
            "database available again"
        );
    }
}

/// Returns once a fresh connection to the database succeeds.
async fn probe(health: &DatabaseHealth, store: &Store) {
    debug_assert!(health.is_down());
    loop {
        tokio::time::sleep(PROBE_INTERVAL).await;
        if store.reachable(CHECK_TIMEOUT).await {
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

/// Middleware: 503 at once while the database is down; a request that found it
/// unreachable makes it suspect.
pub async fn guard_database(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if !needs_database(request.uri().path()) {
        return next.run(request).await;
    }
    if app.database.is_down() {
        metrics::counter!("boxoffice_database_unavailable_responses_total").increment(1);
        return ApiError::database_unavailable().into_response();
    }
    // A request slower than usual makes the database suspect (it may be waiting for a
    // connection that cannot be made); one still waiting when the database is found down
    // is answered at once, its transaction, if any, rolled back as the connection drops.
    let slow = async {
        tokio::time::sleep(SLOW_REQUEST).await;
        app.database.suspect(&app.store);
        std::future::pending::<()>().await;
    };
    let response = tokio::select! {
        response = next.run(request) => response,
        () = app.database.went_down() => ApiError::database_unavailable().into_response(),
        () = slow => unreachable!("pending forever"),
    };
    if response.extensions().get::<DatabaseUnavailable>().is_some() {
        metrics::counter!("boxoffice_database_unavailable_responses_total").increment(1);
        app.database.suspect(&app.store);
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
