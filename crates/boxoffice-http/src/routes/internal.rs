//! `POST /internal/enrichment`: what a notification process running apart needs to
//! write its messages, gathered here by the same code a single process runs on its
//! own store (`boxoffice_notify::StoreFacts`).

use crate::auth::ServiceCaller;
use crate::dto::{EnrichedView, EnrichmentQuery};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::Json;
use crate::openapi::responses::MalformedJson;
use crate::state::AppState;
use axum::extract::State;
use boxoffice_notify::StoreFacts;
use boxoffice_notify::enrich::{EnrichError, Enriched, EnrichmentRequest};

/// Gather the facts a domain event's notices need (Boxoffice services only).
///
/// Called by notification processes with a service token signed with the deployment's
/// shared `JWT_SECRET`; user tokens, an admin's included, are refused.
#[utoipa::path(post, path = "/internal/enrichment", tag = "internal",
    security(("bearerAuth" = [])),
    request_body = EnrichmentQuery,
    responses(
        (status = 200, description = "The event, the booker, the attendees to tell and the organizer, each with their language and channels", body = EnrichedView),
        MalformedJson,
        (status = 401, description = "No service token, or an invalid one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A user's token: internal endpoints serve Boxoffice processes only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`event_not_found`: the event or the booking is gone, so nobody is left to tell", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn enrich(
    State(app): State<AppState>,
    ServiceCaller(service): ServiceCaller,
    Json(request): Json<EnrichmentRequest>,
) -> Result<axum::Json<Enriched>, ApiError> {
    let facts = StoreFacts::new(app.store.clone());
    match facts.gather(&request).await {
        Ok(Some(enriched)) => Ok(axum::Json(enriched)),
        Ok(None) => Err(ApiError::new(
            ErrorCode::EventNotFound,
            "The event or the booking is gone: nobody is left to tell.",
        )),
        Err(EnrichError::Store(err)) => Err(err.into()),
        Err(err @ EnrichError::EventService(_)) => {
            tracing::error!(%service, error = %err, "enrichment failed");
            Err(ApiError::internal())
        }
    }
}
