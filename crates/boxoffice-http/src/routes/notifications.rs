//! Notification history and event subscriptions.

use crate::auth::SignedIn;
use crate::dto::{NotificationPage, NotificationView, PageQuery};
use crate::error::{ApiError, Missing};
use crate::extract::{Path, Query};
use crate::openapi::responses::{BadPage, EventNotFound, NotSignedIn};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use boxoffice_domain::EventId;

/// The signed-in user's notifications, newest first.
#[utoipa::path(get, path = "/notifications", tag = "notifications", params(PageQuery),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationPage),
        NotSignedIn,
        BadPage,
    ))]
pub async fn get_notifications(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<NotificationPage>, ApiError> {
    let history = app
        .store
        .list_notifications(user.id, page.to_request()?)
        .await?;
    Ok(axum::Json(NotificationPage::new(
        history.map(|n| NotificationView::render(&n)),
    )))
}

/// Follow an event: receive its `event.updated` and `event.deleted` notifications.
#[utoipa::path(post, path = "/events/{id}/subscription", tag = "notifications",
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 204, description = "Subscribed (also if already subscribed)"),
        NotSignedIn,
        EventNotFound,
    ))]
pub async fn subscribe_event(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if !app.store.subscribe(user.id, EventId(id), app.now()).await? {
        return Err(ApiError::not_found(Missing::Event, id));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Stop following an event.
#[utoipa::path(delete, path = "/events/{id}/subscription", tag = "notifications",
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 204, description = "Unsubscribed (also if not subscribed)"),
        NotSignedIn,
        EventNotFound,
    ))]
pub async fn unsubscribe_event(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if !app.store.unsubscribe(user.id, EventId(id)).await? {
        return Err(ApiError::not_found(Missing::Event, id));
    }
    Ok(StatusCode::NO_CONTENT)
}
