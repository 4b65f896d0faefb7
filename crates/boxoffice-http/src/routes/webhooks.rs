//! Webhook endpoints of organizers, their delivery log, and replays.
//!
//! An endpoint is seen by its owner and admins only; for anyone else it reads as missing.

use crate::auth::{SignedIn, TokenUser};
use crate::dto::{
    PageQuery, WebhookCreate, WebhookCreated, WebhookDeliveryPage, WebhookDeliveryView,
    WebhookPage, WebhookUpdate, WebhookView,
};
use crate::error::{ApiError, Missing, Problem};
use crate::extract::{Json, Path, Query};
use crate::openapi::responses::{BadPage, InvalidFields, MalformedJson, NotSignedIn};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use boxoffice_domain::{WebhookDeliveryId, WebhookId};
use boxoffice_usecases::webhooks::{self, Organizer, Refusal, Replay};

fn organizer(user: &TokenUser) -> Organizer {
    Organizer {
        id: user.id,
        admin: user.is_admin(),
    }
}

fn missing(id: i64) -> ApiError {
    ApiError::not_found(Missing::Webhook, id)
}

/// Register a webhook endpoint.
///
/// For one event (`event_id`, which the caller owns; admins: any event) or for every event
/// the caller owns. The answer carries the signing secret, shown this once.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", request_body = WebhookCreate,
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 201, description = "Registered; keep the secret", body = WebhookCreated),
        MalformedJson,
        NotSignedIn,
        (status = 403, description = "The event belongs to someone else", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn create_webhook(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Json(input): Json<WebhookCreate>,
) -> Result<impl IntoResponse, ApiError> {
    let new = input.into_domain(app.webhooks_allow_private_networks)?;
    let registered = webhooks::register(&app.store, organizer(&user), &new, app.now()).await?;
    let (webhook, secret) = registered.map_err(|refusal| match refusal {
        Refusal::EventNotFound(id) => ApiError::not_found(Missing::Event, id),
        Refusal::NotEventOwner => {
            ApiError::forbidden("Only the event's owner or an admin may add webhooks to it.")
        }
    })?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/webhooks/{}", webhook.id))],
        axum::Json(WebhookCreated::render(&webhook, &secret)),
    ))
}

/// The caller's webhook endpoints, oldest first (every endpoint for an admin).
#[utoipa::path(get, path = "/webhooks", tag = "webhooks", params(PageQuery),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "One page of endpoints", body = WebhookPage),
        NotSignedIn,
        BadPage,
    ))]
pub async fn list_webhooks(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<WebhookPage>, ApiError> {
    let found = webhooks::list(&app.store, organizer(&user), page.to_request()?).await?;
    Ok(axum::Json(WebhookPage::new(
        found.map(|w| WebhookView::render(&w)),
    )))
}

/// One webhook endpoint (without its secret).
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id", minimum = 1)),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The endpoint", body = WebhookView),
        NotSignedIn,
        (status = 404, description = "The caller has no such endpoint", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_webhook(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
) -> Result<axum::Json<WebhookView>, ApiError> {
    let webhook = webhooks::find(&app.store, organizer(&user), WebhookId(id))
        .await?
        .ok_or_else(|| missing(id))?;
    Ok(axum::Json(WebhookView::render(&webhook)))
}

/// Change a webhook endpoint's URL, event types or description.
#[utoipa::path(patch, path = "/webhooks/{id}", tag = "webhooks", request_body = WebhookUpdate,
    params(("id" = i64, Path, description = "Webhook id", minimum = 1)),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "Changed", body = WebhookView),
        MalformedJson,
        NotSignedIn,
        (status = 404, description = "The caller has no such endpoint", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn update_webhook(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    Json(input): Json<WebhookUpdate>,
) -> Result<axum::Json<WebhookView>, ApiError> {
    let patch = input.into_domain(app.webhooks_allow_private_networks)?;
    let webhook = webhooks::update(
        &app.store,
        organizer(&user),
        WebhookId(id),
        &patch,
        app.now(),
    )
    .await?
    .ok_or_else(|| missing(id))?;
    Ok(axum::Json(WebhookView::render(&webhook)))
}

/// Remove a webhook endpoint; its pending deliveries are not sent.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id", minimum = 1)),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 204, description = "Removed, with its delivery log"),
        NotSignedIn,
        (status = 404, description = "The caller has no such endpoint", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_webhook(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if !webhooks::delete(&app.store, organizer(&user), WebhookId(id)).await? {
        return Err(missing(id));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook endpoint's deliveries, newest first: status, attempts, last answer, payload.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id", minimum = 1), PageQuery),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "One page of deliveries", body = WebhookDeliveryPage),
        NotSignedIn,
        (status = 404, description = "The caller has no such endpoint", body = Problem, content_type = "application/problem+json"),
        BadPage,
    ))]
pub async fn list_webhook_deliveries(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<WebhookDeliveryPage>, ApiError> {
    let page = page.to_request()?;
    let found = webhooks::deliveries(&app.store, organizer(&user), WebhookId(id), page)
        .await?
        .ok_or_else(|| missing(id))?;
    Ok(axum::Json(WebhookDeliveryPage::new(
        found.map(|d| WebhookDeliveryView::render(&d)),
    )))
}

/// Send a delivery again: queued now, with the same `webhook-id`, so receivers can
/// deduplicate; its attempts count from zero.
#[utoipa::path(post, path = "/webhooks/{id}/deliveries/{delivery_id}/replay", tag = "webhooks",
    params(
        ("id" = i64, Path, description = "Webhook id", minimum = 1),
        ("delivery_id" = i64, Path, description = "Delivery id", minimum = 1),
    ),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 202, description = "Queued", body = WebhookDeliveryView),
        NotSignedIn,
        (status = 404, description = "The caller has no such endpoint or delivery", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn replay_webhook_delivery(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path((id, delivery)): Path<(i64, i64)>,
) -> Result<(StatusCode, axum::Json<WebhookDeliveryView>), ApiError> {
    let replay = webhooks::replay(
        &app.store,
        organizer(&user),
        WebhookId(id),
        WebhookDeliveryId(delivery),
        app.now(),
    )
    .await?;
    match replay {
        Replay::Queued(queued) => Ok((
            StatusCode::ACCEPTED,
            axum::Json(WebhookDeliveryView::render(&queued)),
        )),
        Replay::NoWebhook => Err(missing(id)),
        Replay::NoDelivery => Err(ApiError::not_found(Missing::WebhookDelivery, delivery)),
    }
}
