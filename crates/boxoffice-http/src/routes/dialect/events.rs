//! `/api/events` in the dialect's shapes, over `routes::events`' use cases.

use super::{bare_list, in_dialect};
use crate::access::Caller;
use crate::auth::{MaybeSignedIn, SignedIn};
use crate::dto::{ApiEvent, ApiEventChanges, ApiEventInput, EventQuery, Message};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query, RenderZone};
use crate::openapi::responses::{
    EventNotFound, InvalidFields, MalformedJson, NonNumericId, OwnerOnly, SignInRequired,
};
use crate::routes::events;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

/// Create an event (`/api` dialect).
///
/// Signed-in users only, as in the main API. `startDate`/`endDate` are wall-clock times in
/// `timezone` (default `Asia/Kolkata`); `country` may be a name or a code.
#[utoipa::path(post, path = "/api/events", tag = "events", request_body = ApiEventInput,
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 201, description = "Created; `Location` names the new event", body = ApiEvent),
        MalformedJson,
        SignInRequired,
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn api_create_event(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Json(input): Json<ApiEventInput>,
) -> Result<impl IntoResponse, ApiError> {
    let created = events::create(&app, &user, input.into_main())
        .await
        .map_err(in_dialect)?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/events/{}", created.id))],
        axum::Json(ApiEvent::render(&created)),
    ))
}

/// List events (`/api` dialect).
///
/// A bare array of one page (`page`, `page_size`; the main API's filters apply, `owner=me`
/// included), upcoming events by default; the total across pages is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/events", tag = "events", params(EventQuery),
    security((), ("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "One page of events", body = [ApiEvent],
            headers(("X-Total-Count" = i64, description = "Matching events across all pages"))),
        (status = 400, description = "Bad query parameter or time zone", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`owner=me` without a valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter value", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn api_get_events(
    State(app): State<AppState>,
    MaybeSignedIn(user): MaybeSignedIn,
    zone: RenderZone,
    Query(query): Query<EventQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = events::list(&app, user.as_ref(), &query, zone).await?;
    Ok(bare_list(page, |listed| ApiEvent::render(&listed.event)))
}

/// Get one event (`/api` dialect).
#[utoipa::path(get, path = "/api/events/{id}", tag = "events",
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 200, description = "The event", body = ApiEvent),
        NonNumericId,
        EventNotFound,
    ))]
pub async fn api_get_event(
    State(app): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ApiEvent>, ApiError> {
    let event = events::find(&app, id).await?;
    Ok(axum::Json(ApiEvent::render(&event)))
}

/// Change an event (`/api` dialect).
///
/// A partial body: absent fields stay. The event's owner or an admin.
#[utoipa::path(put, path = "/api/events/{id}", tag = "events", request_body = ApiEventChanges,
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 200, description = "The updated event", body = ApiEvent),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        OwnerOnly,
        InvalidFields,
    ))]
pub async fn api_update_event(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ApiEventChanges>,
) -> Result<axum::Json<ApiEvent>, ApiError> {
    let updated = events::change(&app, &caller, id, input.into_main())
        .await
        .map_err(in_dialect)?;
    Ok(axum::Json(ApiEvent::render(&updated)))
}

/// Delete an event and its bookings (`/api` dialect).
///
/// The event's owner or an admin; its attendees are notified as in the main API.
#[utoipa::path(delete, path = "/api/events/{id}", tag = "events",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 200, description = "`{\"message\": \"Event deleted\"}`", body = Message),
        NonNumericId,
        OwnerOnly,
    ))]
pub async fn api_delete_event(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Message>, ApiError> {
    events::remove(&app, &caller, id).await?;
    Ok(axum::Json(Message {
        message: "Event deleted".into(),
    }))
}
