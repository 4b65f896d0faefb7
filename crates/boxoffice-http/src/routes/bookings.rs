//! Booking a seat, reading bookings and cancelling them.

use crate::access::Caller;
use crate::dto::{BookingCreate, BookingPage, BookingView, PageQuery, SeatRequest};
use crate::error::{ApiError, ErrorCode, Missing, Problem};
use crate::extract::{Json, Path, Query, RenderZone, header_text};
use crate::idempotency::MaybeIdempotencyKey;
use crate::openapi::responses::{
    BadPage, BadParameter, BookingRefused, EventNotFound, InvalidFields, NonNumericId,
};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{
    AttendeeId, Booking, BookingId, BookingRefusal, BookingStatus, EventId, Page, SecretHash,
    TicketKey, Zone,
};
use boxoffice_store::{BookingFilter, BookingFor};
use boxoffice_usecases::{self as usecases, BookOutcome, BookRequest, Booked};
use serde::Deserialize;
use utoipa::IntoParams;

/// How a booking's 201 response is written: the main API's shape or another dialect's.
#[derive(Clone, Copy)]
pub(crate) struct Shape<'a> {
    /// The JSON body of a new booking (with its one-time cancel token).
    pub body: &'a (dyn Fn(&Booked) -> String + Send + Sync),
    /// Path prefix of the booking's own URL, e.g. `/bookings`.
    pub path: &'a str,
}

/// Books a seat and renders the outcome; a repeated idempotency key gets the first answer again.
pub(crate) async fn book(
    app: &AppState,
    request: BookRequest,
    shape: Shape<'_>,
) -> Result<Response, ApiError> {
    let outcome = usecases::bookings::book(&app.store, &request, app.now()).await?;
    let label = match &outcome {
        BookOutcome::Booked(_) => "confirmed",
        BookOutcome::Refused(refusal) => ApiError::from(refusal.clone()).code().as_str(),
        BookOutcome::Replayed(_) => "replayed",
        BookOutcome::KeyReused => "idempotency_key_reused",
    };
    metrics::counter!("boxoffice_booking_attempts_total", "outcome" => label).increment(1);
    match outcome {
        BookOutcome::Booked(booked) => {
            let booking = &booked.booking;
            tracing::info!(booking.id = %booking.id, event.id = %request.event, "seat booked");
            let location = format!("{}/{}", shape.path, booking.id);
            Ok((
                StatusCode::CREATED,
                [
                    (header::LOCATION, location),
                    (header::CONTENT_TYPE, "application/json".into()),
                ],
                (shape.body)(&booked),
            )
                .into_response())
        }
        BookOutcome::Refused(refusal) => Err(refusal.into()),
        BookOutcome::Replayed(first) => Ok(replay(first, shape)),
        BookOutcome::KeyReused => Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "This Idempotency-Key was first used with a different request.",
        )),
    }
}

/// Books a seat for a registered attendee, if the caller may book for them: that attendee
/// (their `X-Attendee-Token`), the event's organizer, or an admin.
pub(crate) async fn book_for_attendee(
    app: &AppState,
    caller: &Caller,
    key: &MaybeIdempotencyKey,
    input: &BookingCreate,
    render_zone: Option<Zone>,
    shape: Shape<'_>,
) -> Result<Response, ApiError> {
    let attendee = AttendeeId(input.attendee_id);
    let event = EventId(input.event_id);
    caller.require_booker(app, attendee, event).await?;
    let request = BookRequest {
        event,
        who: BookingFor::Attendee(attendee),
        idempotency: key.for_request(input),
        render_zone,
        hold: None,
    };
    book(app, request, shape).await
}

/// One page of the bookings the caller may list: an attendee's own, or all for an admin.
pub(crate) async fn list(
    app: &AppState,
    caller: &Caller,
    query: &BookingQuery,
) -> Result<Page<Booking>, ApiError> {
    let page = PageQuery {
        page: query.page,
        page_size: query.page_size,
    }
    .to_request()?;
    let filter = BookingFilter {
        attendee: caller.booking_scope(app).await?,
        event: query.event_id.map(EventId),
    };
    Ok(app.store.list_bookings(&filter, page).await?)
}

/// Cancels a booking for its holder, the event's owner or an admin; repeats change nothing.
pub(crate) async fn cancel(app: &AppState, caller: &Caller, id: i64) -> Result<Booking, ApiError> {
    let id = BookingId(id);
    caller.held_booking(app, id).await?;
    let actor = caller.user.as_ref().map(|u| u.username.as_str());
    let booking = usecases::bookings::cancel(&app.store, id, actor, app.now())
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Booking, id))?;
    // A cancellation leaves a booking confirmed only when it was checked in: its seat was used.
    if booking.status == BookingStatus::Confirmed {
        return Err(checked_in_already(app, id).await);
    }
    tracing::info!(booking.id = %id, event.id = %booking.event_id, "booking cancelled");
    Ok(booking)
}

/// 409 `already_checked_in` for a booking whose cancellation the door came before.
async fn checked_in_already(app: &AppState, id: BookingId) -> ApiError {
    let when = match app.store.check_in_of(id).await {
        Ok(Some(check_in)) => format!(" at {}", check_in.checked_in_at.to_rfc3339()),
        Ok(None) => String::new(),
        Err(err) => return err.into(),
    };
    ApiError::new(
        ErrorCode::AlreadyCheckedIn,
        format!("booking {id} was checked in{when}: a used ticket cannot be cancelled"),
    )
}

/// The main API's body: the booking rendered in the zone asked for, with its cancel token
/// and its ticket.
fn booked_body(booked: &Booked, tickets: &TicketKey) -> String {
    let mut view = BookingView::render(&booked.booking, booked.render_zone).with_ticket(tickets);
    view.cancel_token = Some(booked.cancel_token.expose().to_owned());
    serde_json::to_string(&view).unwrap_or_default()
}

/// The first answer to an idempotent request, again, marked as a replay.
fn replay(first: Result<Booked, BookingRefusal>, shape: Shape<'_>) -> Response {
    let (status, content_type, body) = match first {
        Ok(booked) => (
            StatusCode::CREATED,
            "application/json",
            (shape.body)(&booked),
        ),
        Err(refusal) => {
            let problem = ApiError::from(refusal).to_problem();
            let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
            let body = serde_json::to_string(&problem).unwrap_or_default();
            (status, "application/problem+json", body)
        }
    };
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// Book a seat for a person.
///
/// With `name` and `email`: registers the attendee on the fly if the address is new; a
/// second active booking by the same person answers 400 `already_booked`. With `user_name`
/// alone: a walk-in without e-mail, recorded as a new attendee each time (nothing
/// identifies them, so no duplicate can be detected). A full event answers 400 `event_full`.
/// With `X-Hold-Token`, one seat of that hold is booked (see `POST /events/{id}/holds`);
/// a hold that expired, was used up or released answers 410 `hold_expired`.
#[utoipa::path(post, path = "/events/{id}/book", tag = "bookings", request_body = SeatRequest,
    params(("id" = i64, Path, description = "Event id", minimum = 1),
        ("X-Hold-Token" = Option<String>, Header, description = "Book a seat of this hold"),
        crate::openapi::IdempotencyKeyParam,
        crate::openapi::TimeZoneParam),
    responses(
        (status = 201, description = "Booked; keep `cancel_token`", body = BookingView),
        BookingRefused,
        EventNotFound,
        (status = 410, description = "`hold_expired`: the hold expired, was used up or released", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or idempotency key reused with another body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn book_event(
    State(app): State<AppState>,
    zone: RenderZone,
    key: MaybeIdempotencyKey,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(input): Json<SeatRequest>,
) -> Result<Response, ApiError> {
    let idempotency = key.for_request(&input);
    let hold = header_text(&headers, crate::access::HOLD_TOKEN).map(SecretHash::of);
    let request = BookRequest {
        event: EventId(id),
        who: BookingFor::Person(input.into_domain()?),
        idempotency,
        render_zone: zone.0,
        hold,
    };
    let tickets = &app.security.tickets;
    let shape = Shape {
        body: &|booked| booked_body(booked, tickets),
        path: "/bookings",
    };
    book(&app, request, shape).await
}

/// Book a seat for a registered attendee.
///
/// For that attendee (their `X-Attendee-Token`), the event's organizer, or an admin: attendees
/// register without an account, so a bare attendee id proves nothing.
#[utoipa::path(post, path = "/bookings", tag = "bookings", request_body = BookingCreate, security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::IdempotencyKeyParam,
        crate::openapi::TimeZoneParam),
    responses(
        (status = 201, description = "Booked; keep `cancel_token`", body = BookingView),
        BookingRefused,
        (status = 401, description = "No credential, or an unknown attendee token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token belongs to another attendee, or the user is neither the event's organizer nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event or attendee", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn create_booking(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    key: MaybeIdempotencyKey,
    Json(input): Json<BookingCreate>,
) -> Result<Response, ApiError> {
    let tickets = &app.security.tickets;
    let shape = Shape {
        body: &|booked| booked_body(booked, tickets),
        path: "/bookings",
    };
    book_for_attendee(&app, &caller, &key, &input, zone.0, shape).await
}

/// Filters for listing bookings.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookingQuery {
    /// Only bookings of this event.
    #[param(minimum = 1)]
    pub event_id: Option<i64>,
    /// Page number, starting at 1.
    pub page: Option<i64>,
    /// Items per page.
    pub page_size: Option<i64>,
}

/// List bookings.
///
/// With `X-Attendee-Token`, the attendee's own bookings; admins see all.
#[utoipa::path(get, path = "/bookings", tag = "bookings", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(BookingQuery, ("X-Attendee-Token" = Option<String>, Header, description = "List only this attendee's bookings"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "One page of bookings", body = BookingPage),
        BadParameter,
        (status = 401, description = "No credential, or an unknown attendee token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in, but not an admin", body = Problem, content_type = "application/problem+json"),
        BadPage,
    ))]
pub async fn get_bookings(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    Query(query): Query<BookingQuery>,
) -> Result<axum::Json<BookingPage>, ApiError> {
    let bookings = list(&app, &caller, &query).await?;
    let tickets = &app.security.tickets;
    Ok(axum::Json(BookingPage::new(bookings.map(|b| {
        BookingView::render(&b, zone.0).with_ticket(tickets)
    }))))
}

/// Get one booking.
///
/// Its `X-Cancel-Token`, its attendee's `X-Attendee-Token`, the event's owner, or an admin.
#[utoipa::path(get, path = "/bookings/{id}", tag = "bookings", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Booking id", minimum = 1),
        ("X-Cancel-Token" = Option<String>, Header, description = "The booking's cancel token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The booking", body = BookingView),
        NonNumericId,
        (status = 401, description = "No credential sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking for this credential", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_booking(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<BookingView>, ApiError> {
    let booking = caller.held_booking(&app, BookingId(id)).await?;
    let view = BookingView::render(&booking, zone.0).with_ticket(&app.security.tickets);
    Ok(axum::Json(view))
}

/// Cancel a booking, freeing its seat.
///
/// Its holder (either token), the event's owner, or an admin. Repeating the cancellation
/// changes nothing and answers the same. A booking checked in at the door cannot be
/// cancelled (409 `already_checked_in`).
#[utoipa::path(delete, path = "/bookings/{id}", tag = "bookings", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Booking id", minimum = 1),
        ("X-Cancel-Token" = Option<String>, Header, description = "The booking's cancel token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The cancelled booking", body = BookingView),
        NonNumericId,
        (status = 401, description = "No credential sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking for this credential", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_checked_in`: the booking was used at the door", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel_booking(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<BookingView>, ApiError> {
    let booking = cancel(&app, &caller, id).await?;
    Ok(axum::Json(BookingView::render(&booking, zone.0)))
}
