//! The door: an event's staff, and admitting tickets.
//!
//! The event's owner (or an admin) names door staff among registered users; the owner,
//! staff and admins check tickets in. The database admits each ticket once.

use crate::access::Caller;
use crate::auth::TokenUser;
use crate::dto::{
    AlreadyCheckedIn, CheckInPage, CheckInRequest, CheckInView, PageQuery, StaffList,
    StaffMemberView,
};
use crate::error::{ApiError, ErrorCode, Missing, Problem};
use crate::extract::{Json, Path, Query, RenderZone};
use crate::openapi::responses::{BadPage, NonNumericId, OwnerOnly};
use crate::routes::events::owned_event;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{Event, EventId, UserId};
use boxoffice_store::CheckInOutcome;
use boxoffice_usecases as usecases;

/// The event, if the caller works its door: its owner, its staff, or an admin.
async fn door_event(
    app: &AppState,
    caller: &Caller,
    id: EventId,
) -> Result<(Event, TokenUser), ApiError> {
    let user = caller
        .user
        .clone()
        .ok_or_else(|| ApiError::unauthorized("Sign in (Authorization: Bearer)."))?;
    let event = app
        .store
        .get_event(id)
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))?;
    if user.owns_or_admin(event.owner_id) || app.store.is_staff(id, user.id).await? {
        return Ok((event, user));
    }
    Err(ApiError::forbidden(
        "Only the event's owner, its door staff or an admin may do this.",
    ))
}

/// The account a username names; 404 `user_not_found` if none.
async fn named_user(app: &AppState, username: &str) -> Result<(UserId, String), ApiError> {
    app.store
        .user_by_username(username.trim())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UserNotFound,
                format!("no account is named {:?}", username.trim()),
            )
        })
}

/// Who works an event's door, besides its owner and admins.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Documentation only.
enum DoorOnly {
    #[response(
        status = 401,
        description = "Not signed in",
        content_type = "application/problem+json"
    )]
    SignIn(Problem),
    #[response(
        status = 403,
        description = "Neither the owner, door staff nor an admin",
        content_type = "application/problem+json"
    )]
    NotDoor(Problem),
    #[response(
        status = 404,
        description = "No such event",
        content_type = "application/problem+json"
    )]
    NoEvent(Problem),
}

/// List an event's door staff.
///
/// For the event's owner or an admin.
#[utoipa::path(get, path = "/events/{id}/staff", tag = "door",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1), crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The door staff, by username", body = StaffList),
        NonNumericId,
        OwnerOnly,
    ))]
pub async fn get_event_staff(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
) -> Result<axum::Json<StaffList>, ApiError> {
    let event = owned_event(&app, &caller, EventId(id)).await?;
    let zone = zone.or(event.content.zone);
    let staff = app.store.list_staff(event.id).await?;
    Ok(axum::Json(StaffList {
        items: staff
            .iter()
            .map(|s| StaffMemberView::render(s, zone))
            .collect(),
    }))
}

/// Name a registered user door staff of an event.
///
/// For the event's owner or an admin. Door staff may check tickets in and list check-ins;
/// nothing else. Naming someone again changes nothing.
#[utoipa::path(put, path = "/events/{id}/staff/{username}", tag = "door",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1),
        ("username" = String, Path, description = "The user's username (case-insensitive)"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The user is door staff", body = StaffMemberView),
        NonNumericId,
        OwnerOnly,
        (status = 404, description = "`event_not_found`, or `user_not_found`: no account has this username", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_event_staff(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path((id, username)): Path<(i64, String)>,
) -> Result<axum::Json<StaffMemberView>, ApiError> {
    let event = owned_event(&app, &caller, EventId(id)).await?;
    let (user, _) = named_user(&app, &username).await?;
    let member = app
        .store
        .add_staff(event.id, user, app.now())
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))?;
    tracing::info!(event.id = id, user.id = %user.0, "door staff named");
    Ok(axum::Json(StaffMemberView::render(
        &member,
        zone.or(event.content.zone),
    )))
}

/// Remove a user from an event's door staff.
///
/// For the event's owner or an admin. Removing someone who is not staff changes nothing.
#[utoipa::path(delete, path = "/events/{id}/staff/{username}", tag = "door",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1),
        ("username" = String, Path, description = "The user's username (case-insensitive)")),
    responses(
        (status = 204, description = "The user is not door staff (any more)"),
        NonNumericId,
        OwnerOnly,
        (status = 404, description = "`event_not_found`, or `user_not_found`: no account has this username", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_event_staff(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, username)): Path<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    let event = owned_event(&app, &caller, EventId(id)).await?;
    let (user, _) = named_user(&app, &username).await?;
    app.store.remove_staff(event.id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check a ticket in: admit its holder, once.
///
/// For the event's owner, its door staff or an admin. The database admits each ticket
/// exactly once, however many devices scan it at the same moment: a second scan answers 409
/// `already_checked_in` with when and by whom it was first admitted. A cancelled booking's
/// ticket answers 409 `ticket_cancelled`, another event's 422 `ticket_for_another_event`,
/// and a code this server did not issue 422 `invalid_ticket`.
#[utoipa::path(post, path = "/events/{id}/check-ins", tag = "door", request_body = CheckInRequest,
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1), crate::openapi::TimeZoneParam),
    responses(
        (status = 201, description = "Admitted", body = CheckInView),
        NonNumericId,
        DoorOnly,
        (status = 409, description = "`already_checked_in` (with the first `check_in`), or `ticket_cancelled` (its `check_in` is absent)", body = AlreadyCheckedIn, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_ticket`, `ticket_for_another_event`, or a malformed body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn check_in_ticket(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
    Json(input): Json<CheckInRequest>,
) -> Result<Response, ApiError> {
    let (event, user) = door_event(&app, &caller, EventId(id)).await?;
    let zone = zone.or(event.content.zone);
    let booking = app.security.tickets.verify(&input.ticket).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidTicket,
            "This code is not a ticket of this box office (forged, mistyped or damaged).",
        )
    })?;
    let outcome =
        usecases::tickets::check_in(&app.store, event.id, booking, user.id, app.now()).await?;
    metrics::counter!("boxoffice_check_ins_total", "outcome" => outcome_label(&outcome))
        .increment(1);
    match outcome {
        CheckInOutcome::Admitted(check_in) => {
            tracing::info!(event.id = id, booking.id = %booking, "ticket checked in");
            let view = CheckInView::render(&check_in, zone);
            Ok((StatusCode::CREATED, axum::Json(view)).into_response())
        }
        CheckInOutcome::AlreadyIn(first) => {
            Ok(already_checked_in(CheckInView::render(&first, zone)))
        }
        CheckInOutcome::Cancelled => Err(ApiError::new(
            ErrorCode::TicketCancelled,
            format!("booking {booking} was cancelled: its ticket admits nobody"),
        )),
        CheckInOutcome::OtherEvent(other) => Err(ApiError::new(
            ErrorCode::TicketForAnotherEvent,
            format!("this ticket is for event {other}, not event {id}"),
        )),
        CheckInOutcome::UnknownBooking => Err(ApiError::new(
            ErrorCode::InvalidTicket,
            format!("booking {booking} no longer exists"),
        )),
    }
}

fn outcome_label(outcome: &CheckInOutcome) -> &'static str {
    match outcome {
        CheckInOutcome::Admitted(_) => "admitted",
        CheckInOutcome::AlreadyIn(_) => "already_checked_in",
        CheckInOutcome::Cancelled => "ticket_cancelled",
        CheckInOutcome::OtherEvent(_) => "ticket_for_another_event",
        CheckInOutcome::UnknownBooking => "invalid_ticket",
    }
}

/// 409 `already_checked_in`, with the first admission.
pub(crate) fn already_checked_in(first: CheckInView) -> Response {
    let detail = format!(
        "{} was already admitted at {}{}",
        first.attendee_name,
        first.checked_in_at,
        first
            .checked_in_by
            .as_deref()
            .map(|by| format!(" by {by}"))
            .unwrap_or_default()
    );
    let problem = ApiError::new(ErrorCode::AlreadyCheckedIn, detail).to_problem();
    let body = AlreadyCheckedIn {
        problem,
        check_in: first,
    };
    (
        StatusCode::CONFLICT,
        [(header::CONTENT_TYPE, "application/problem+json")],
        axum::Json(body),
    )
        .into_response()
}

/// List an event's check-ins.
///
/// For the event's owner, its door staff or an admin: who is in, in the order they came,
/// with `total` (people in) and `confirmed` (people expected).
#[utoipa::path(get, path = "/events/{id}/check-ins", tag = "door",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1), PageQuery, crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "One page of check-ins", body = CheckInPage),
        NonNumericId,
        DoorOnly,
        BadPage,
    ))]
pub async fn get_event_check_ins(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<CheckInPage>, ApiError> {
    let page = page.to_request()?;
    let (event, _) = door_event(&app, &caller, EventId(id)).await?;
    let zone = zone.or(event.content.zone);
    let check_ins = app.store.list_check_ins(event.id, page).await?;
    let confirmed = app.store.confirmed_bookings(event.id).await?;
    Ok(axum::Json(CheckInPage {
        items: check_ins
            .items
            .iter()
            .map(|c| CheckInView::render(c, zone))
            .collect(),
        total: check_ins.total,
        page: check_ins.request.page(),
        page_size: check_ins.request.page_size(),
        confirmed,
    }))
}
