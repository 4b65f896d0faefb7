//! Operational endpoints: liveness, readiness, Prometheus metrics.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

/// Health of the process or of its dependencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
    /// The database backend: `sqlite` or `postgres`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// The message broker: `in-process` or `rabbitmq`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<String>,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
pub async fn healthz() -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".into(),
        database: None,
        broker: None,
    })
}

/// Readiness: the database (and the broker, where one is used) answers.
///
/// Answers within about a second: 503 at once while the database is known to be
/// down, and 200 again as soon as it is back.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    let database = Some(app.store.backend().to_string());
    let broker = app.broker.as_ref().map(|b| b.kind().to_owned());
    let (database_ok, broker_ok) = tokio::join!(database_ready(&app), async {
        match &app.broker {
            Some(broker) => broker.is_ready().await,
            None => true,
        }
    });
    let (status, word) = if database_ok && broker_ok {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    let mut response = (
        status,
        axum::Json(Health {
            status: word.into(),
            database,
            broker,
        }),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::availability::RETRY_AFTER_SECONDS),
        );
    }
    response
}

/// Whether the database answers a ping within a second; known down means no, without asking.
async fn database_ready(app: &AppState) -> bool {
    if app.database.is_down() {
        return false;
    }
    match tokio::time::timeout(READY_TIMEOUT, app.store.ping()).await {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: database unavailable");
            if err.is_unavailable() {
                app.database.suspect(&app.store);
            }
            false
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer within a second");
            app.database.suspect(&app.store);
            false
        }
    }
}

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    let body = app
        .metrics
        .as_ref()
        .map(|handle| handle.render())
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
