//! Waitlists: joining a full event's line, seeing one's place, leaving it.

use crate::access::Caller;
use crate::dto::{PageQuery, WaitlistEntryView, WaitlistJoin, WaitlistPage};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query, RenderZone};
use crate::openapi::responses::{BadPage, BadParameter, EventNotFound, NonNumericId, OwnerOnly};
use crate::routes::events::owned_event;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{EventId, PageRequest, WaitlistEntryId};
use boxoffice_usecases as usecases;

/// Join a full event's waitlist.
///
/// Only when every seat is booked: a free seat answers 409 `seats_available` (book it
/// instead). First come, first served: when a booking is cancelled, its seat is booked at
/// once for the first person in line, in the same transaction, and they are told by e-mail.
/// Keep `token` to see the place (`position`) or leave the line.
#[utoipa::path(post, path = "/events/{id}/waitlist", tag = "bookings", request_body = WaitlistJoin,
    params(("id" = i64, Path, description = "Event id", minimum = 1), crate::openapi::TimeZoneParam),
    responses(
        (status = 201, description = "In line; keep `token`", body = WaitlistEntryView),
        (status = 400, description = "`already_booked` (the person holds a seat), `event_not_bookable`, or a non-numeric id", body = Problem, content_type = "application/problem+json"),
        EventNotFound,
        (status = 409, description = "`seats_available` (book instead) or `already_waitlisted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn join_waitlist(
    State(app): State<AppState>,
    zone: RenderZone,
    Path(id): Path<i64>,
    Json(input): Json<WaitlistJoin>,
) -> Result<Response, ApiError> {
    let person = input.into_domain()?;
    let joined = usecases::waitlist::join(&app.store, EventId(id), &person, app.now())
        .await?
        .map_err(ApiError::from)?;
    let place = joined.place;
    tracing::info!(event.id = id, waitlist.id = %place.id, position = place.position, "joined waitlist");
    let (entry, _) = app
        .store
        .waitlist_entry(place.id)
        .await?
        .ok_or_else(|| ApiError::not_found(crate::error::Missing::WaitlistEntry, place.id))?;
    let mut view = WaitlistEntryView::render(&entry, zone.0);
    view.token = Some(joined.token.expose().to_owned());
    let location = format!("/waitlist/{}", place.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(view),
    )
        .into_response())
}

/// List the people waiting for a seat of an event, first in line first.
#[utoipa::path(get, path = "/events/{id}/waitlist", tag = "bookings",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1), PageQuery, crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "One page of the line", body = WaitlistPage),
        BadParameter,
        OwnerOnly,
        BadPage,
    ))]
pub async fn get_event_waitlist(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<WaitlistPage>, ApiError> {
    let page: PageRequest = page.to_request()?;
    owned_event(&app, &caller, EventId(id)).await?;
    let line = app.store.waitlist(EventId(id), page).await?;
    Ok(axum::Json(WaitlistPage::new(
        line.map(|entry| WaitlistEntryView::render(&entry, zone.0)),
    )))
}

/// Get a place in a waitlist: its position while waiting, its booking once promoted.
///
/// Its `X-Waitlist-Token`, the attendee's `X-Attendee-Token`, the event's owner, or an admin.
#[utoipa::path(get, path = "/waitlist/{id}", tag = "bookings", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Waitlist place id", minimum = 1),
        ("X-Waitlist-Token" = Option<String>, Header, description = "The place's token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The place", body = WaitlistEntryView),
        NonNumericId,
        (status = 401, description = "No credential sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such place for this credential", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_waitlist_entry(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<WaitlistEntryView>, ApiError> {
    let entry = caller.held_place(&app, WaitlistEntryId(id)).await?;
    Ok(axum::Json(WaitlistEntryView::render(&entry, zone.0)))
}

/// Leave a waitlist.
///
/// Its holder (either token), the event's owner, or an admin. Leaving twice, or after a
/// promotion, changes nothing and answers the place as it stands.
#[utoipa::path(delete, path = "/waitlist/{id}", tag = "bookings", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Waitlist place id", minimum = 1),
        ("X-Waitlist-Token" = Option<String>, Header, description = "The place's token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The place, as it stands now", body = WaitlistEntryView),
        NonNumericId,
        (status = 401, description = "No credential sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such place for this credential", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn leave_waitlist(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<WaitlistEntryView>, ApiError> {
    let id = WaitlistEntryId(id);
    caller.held_place(&app, id).await?;
    if usecases::waitlist::leave(&app.store, id, app.now()).await? {
        tracing::info!(waitlist.id = %id, "left waitlist");
    }
    let entry = caller.held_place(&app, id).await?;
    Ok(axum::Json(WaitlistEntryView::render(&entry, zone.0)))
}
