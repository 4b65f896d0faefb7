//! `/events`: create, list, read, change and delete events; the attendee list.

use crate::access::Caller;
use crate::auth::ClientIp;
use crate::auth::{MaybeSignedIn, SignedIn, TokenUser};
use crate::dto::{
    AttendeePage, AttendeeView, EventCreate, EventPage, EventQuery, EventUpdate, EventView,
    PageQuery,
};
use crate::error::{ApiError, Missing, Problem};
use crate::extract::{Json, Path, Query, RenderZone};
use crate::openapi::responses::{
    BadPage, BadParameter, EventNotFound, InvalidFields, MalformedJson, NonNumericId, OwnerOnly,
    SignInRequired,
};
use crate::routes::calendar::{EventResource, get_event_calendar};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{Event, EventId, Page, PageRequest, Zone};
use boxoffice_store::ListedEvent;
use boxoffice_usecases as usecases;

/// Creates an event owned by `user`: the rules every way of creating one shares.
pub(crate) async fn create(
    app: &AppState,
    user: &TokenUser,
    input: EventCreate,
) -> Result<Event, ApiError> {
    let now = app.now();
    let event = input.into_domain()?;
    event.check_creatable(now)?;
    let (owner, actor) = (Some(user.id), Some(user.username.as_str()));
    let created = usecases::events::create(&app.store, &event, owner, actor, now).await?;
    tracing::info!(event.id = %created.id, "event created");
    Ok(created)
}

/// One page of the events matching `query`; `owner=me` needs the signed-in `user`.
pub(crate) async fn list(
    app: &AppState,
    user: Option<&TokenUser>,
    query: &EventQuery,
    zone: RenderZone,
) -> Result<Page<ListedEvent>, ApiError> {
    let page = PageQuery {
        page: query.page,
        page_size: query.page_size,
    }
    .to_request()?;
    let mut filter = query.to_filter(zone.or(Zone::DEFAULT))?;
    if query.wants_own_events() {
        let user = user.ok_or_else(|| {
            ApiError::unauthorized(
                "owner=me lists your own events: sign in (Authorization: Bearer).",
            )
        })?;
        filter.owner = Some(user.id);
    }
    Ok(app.store.list_events(&filter, page, app.now()).await?)
}

/// The event `id`, or 404.
pub(crate) async fn find(app: &AppState, id: i64) -> Result<Event, ApiError> {
    app.store
        .get_event(EventId(id))
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))
}

/// Create an event.
///
/// Times without an offset are read in the event's `timezone` (default `Asia/Kolkata`).
#[utoipa::path(post, path = "/events", tag = "events", request_body = EventCreate,
    security(("bearerAuth" = []), ("oauth2" = [])),
        params(crate::openapi::TimeZoneParam),
    responses(
        (status = 201, description = "Created; `Location` names the new event", body = EventView),
        MalformedJson,
        SignInRequired,
        (status = 415, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn create_event(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    zone: RenderZone,
    Json(input): Json<EventCreate>,
) -> Result<impl IntoResponse, ApiError> {
    let created = create(&app, &user, input).await?;
    let location = format!("/events/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(EventView::render(&created, zone.0)),
    ))
}

/// List events.
///
/// Upcoming events (not yet ended) by default, soonest first. With `owner=me`
/// (signed in), the caller's own events in any status, past ones included. With
/// `near=longitude,latitude` (and `radius_km`, default 50), only the events within that
/// great-circle distance, each with its `distance_km`; `sort=distance` lists the nearest first.
#[utoipa::path(get, path = "/events", tag = "events", params(EventQuery),
    security((), ("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "One page of events", body = EventPage),
        (status = 400, description = "Bad query parameter or time zone", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`owner=me` without a valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter value", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_events(
    State(app): State<AppState>,
    MaybeSignedIn(user): MaybeSignedIn,
    zone: RenderZone,
    Query(query): Query<EventQuery>,
) -> Result<axum::Json<EventPage>, ApiError> {
    let events = list(&app, user.as_ref(), &query, zone).await?;
    Ok(axum::Json(EventPage::new(
        events.map(|e| EventView::listed(&e, zone.0)),
    )))
}

/// Get one event, with its live seat counts.
///
/// The same path with `.ics` after the id answers the event's calendar file
/// (`get_event_calendar`).
#[utoipa::path(get, path = "/events/{id}", tag = "events",
    params(("id" = i64, Path, description = "Event id", minimum = 1), crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The event", body = EventView),
        (status = 400, description = "Non-numeric id or unknown time zone", body = Problem, content_type = "application/problem+json"),
        EventNotFound,
    ))]
pub async fn get_event(
    State(app): State<AppState>,
    zone: RenderZone,
    ip: ClientIp,
    headers: HeaderMap,
    Path(resource): Path<EventResource>,
) -> Result<Response, ApiError> {
    match resource {
        EventResource::Json(id) => {
            let event = find(&app, id).await?;
            Ok(axum::Json(EventView::render(&event, zone.0)).into_response())
        }
        EventResource::Calendar(id) => get_event_calendar(&app, ip, &headers, id).await,
    }
}

/// The event, if it exists and the caller is its owner or an admin.
pub(crate) async fn owned_event(
    app: &AppState,
    caller: &Caller,
    id: EventId,
) -> Result<Event, ApiError> {
    caller
        .user
        .as_ref()
        .ok_or_else(|| ApiError::unauthorized("Sign in (Authorization: Bearer)."))?;
    let event = app
        .store
        .get_event(id)
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))?;
    caller.require_owner(&event)?;
    Ok(event)
}

/// Applies a partial update for the event's owner or an admin.
pub(crate) async fn change(
    app: &AppState,
    caller: &Caller,
    id: i64,
    input: EventUpdate,
) -> Result<Event, ApiError> {
    let id = EventId(id);
    let current = owned_event(app, caller, id).await?;
    let patch = input.into_domain(current.content.zone)?;
    let actor = caller.user.as_ref().map(|u| u.username.as_str());
    let updated = usecases::events::update(&app.store, id, &patch, actor, app.now())
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))??;
    tracing::info!(event.id = %id, "event updated");
    Ok(updated)
}

/// Change an event (partial update).
///
/// Absent fields are kept; `null` clears `description`, `coordinates` or `attachment_url`.
/// Capacity may not drop below the seats already booked.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", request_body = EventUpdate,
    security(("bearerAuth" = []), ("oauth2" = [])),
        params(("id" = i64, Path, description = "Event id", minimum = 1), crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The updated event", body = EventView),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        OwnerOnly,
        InvalidFields,
    ))]
pub async fn patch_event(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
    Json(input): Json<EventUpdate>,
) -> Result<axum::Json<EventView>, ApiError> {
    let updated = change(&app, &caller, id, input).await?;
    Ok(axum::Json(EventView::render(&updated, zone.0)))
}

/// Delete an event and its bookings.
#[utoipa::path(delete, path = "/events/{id}", tag = "events",
    security(("bearerAuth" = []), ("oauth2" = [])),
        params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 204, description = "Deleted"),
        NonNumericId,
        OwnerOnly,
    ))]
pub async fn delete_event(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    remove(&app, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes an event and its bookings, for its owner or an admin.
pub(crate) async fn remove(app: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    owned_event(app, caller, EventId(id)).await?;
    let actor = caller.user.as_ref().map(|u| u.username.as_str());
    if !usecases::events::delete(&app.store, EventId(id), actor, app.now()).await? {
        return Err(ApiError::not_found(Missing::Event, id));
    }
    crate::routes::attachments::remove_event_files(app, EventId(id)).await;
    tracing::info!(event.id = id, "event deleted");
    Ok(())
}

/// List the attendees holding a confirmed booking for an event.
///
/// Those already admitted at the door carry `checked_in_at`.
#[utoipa::path(get, path = "/events/{id}/attendees", tag = "events",
    security(("bearerAuth" = []), ("oauth2" = [])),
        params(("id" = i64, Path, description = "Event id", minimum = 1), PageQuery, crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "One page of attendees, in booking order", body = AttendeePage),
        BadParameter,
        OwnerOnly,
        BadPage,
    ))]
pub async fn get_event_attendees(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<AttendeePage>, ApiError> {
    let page: PageRequest = page.to_request()?;
    owned_event(&app, &caller, EventId(id)).await?;
    let attendees = app
        .store
        .event_attendees(EventId(id), page)
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))?;
    let zone = zone.or(Zone::DEFAULT);
    let ids: Vec<_> = attendees.items.iter().map(|a| a.id).collect();
    let admitted = app.store.admitted_attendees(EventId(id), &ids).await?;
    Ok(axum::Json(AttendeePage::new(attendees.map(|a| {
        let mut view = AttendeeView::render(&a, zone);
        view.checked_in_at = admitted.get(&a.id).map(|at| zone.format(*at));
        view
    }))))
}
