//! `/api/attendees` and `/api/bookings` in the dialect's shapes, over the main API's use cases.

use super::{bare_list, in_dialect};
use crate::access::Caller;
use crate::dto::{
    ApiAttendee, ApiAttendeeInput, ApiAttendeeRegistered, ApiBooking, BookingCreate, Message,
    PageQuery,
};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use crate::idempotency::MaybeIdempotencyKey;
use crate::openapi::responses::{
    AttendeeNotFound, AttendeeTokenRequired, BadPage, BadParameter, BookingRefused, InvalidFields,
    MalformedJson, NonNumericId, NotSignedIn,
};
use crate::routes::attendees;
use crate::routes::bookings::{self, BookingQuery, Shape};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::BookingId;
use boxoffice_usecases::Booked;

/// Register an attendee (`/api` dialect).
///
/// No account needed. The response adds a one-time `token`: send it as `X-Attendee-Token` to
/// book as this attendee.
#[utoipa::path(post, path = "/api/attendees", tag = "attendees", request_body = ApiAttendeeInput,
    responses(
        (status = 201, description = "Registered", body = ApiAttendeeRegistered),
        MalformedJson,
        (status = 409, description = "`email_taken`: the address is already registered", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn api_create_attendee(
    State(app): State<AppState>,
    Json(input): Json<ApiAttendeeInput>,
) -> Result<impl IntoResponse, ApiError> {
    let (created, token) = attendees::register(&app, input.into_main())
        .await
        .map_err(in_dialect)?;
    let body = ApiAttendeeRegistered {
        attendee: ApiAttendee::render(&created),
        token: token.expose().to_owned(),
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/attendees/{}", created.id))],
        axum::Json(body),
    ))
}

/// List attendees (`/api` dialect; admins).
///
/// A bare array of one page (`page`, `page_size`); the total is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/attendees", tag = "attendees",
    security(("bearerAuth" = []), ("oauth2" = [])), params(PageQuery),
    responses(
        (status = 200, description = "One page of attendees", body = [ApiAttendee],
            headers(("X-Total-Count" = i64, description = "Attendees across all pages"))),
        BadParameter,
        NotSignedIn,
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        BadPage,
    ))]
pub async fn api_get_attendees(
    State(app): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = attendees::list(&app, &caller, &page).await?;
    Ok(bare_list(page, ApiAttendee::render))
}

/// Get an attendee (`/api` dialect; their `X-Attendee-Token`, or an admin).
#[utoipa::path(get, path = "/api/attendees/{id}", tag = "attendees",
    security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Attendee id", minimum = 1),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token")),
    responses(
        (status = 200, description = "The attendee", body = ApiAttendee),
        NonNumericId,
        AttendeeTokenRequired,
        AttendeeNotFound,
    ))]
pub async fn api_get_attendee(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<ApiAttendee>, ApiError> {
    let attendee = attendees::find(&app, &caller, id).await?;
    Ok(axum::Json(ApiAttendee::render(&attendee)))
}

fn booking_body(booked: &Booked) -> String {
    serde_json::to_string(&ApiBooking::render(&booked.booking)).unwrap_or_default()
}

/// Book a seat for a registered attendee (`/api` dialect).
///
/// For that attendee (their `X-Attendee-Token`), the event's organizer, or an admin:
/// attendees register without an account, so a bare attendee id proves nothing. A full event
/// answers 400 "Event is fully booked"; a second booking 400 "Attendee already booked this event".
#[utoipa::path(post, path = "/api/bookings", tag = "bookings", request_body = BookingCreate,
    security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::IdempotencyKeyParam),
    responses(
        (status = 201, description = "Booked", body = ApiBooking),
        BookingRefused,
        (status = 401, description = "No credential, or an unknown attendee token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token belongs to another attendee, or the user is neither the event's organizer nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event or attendee", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or idempotency key reused with another body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn api_create_booking(
    State(app): State<AppState>,
    caller: Caller,
    key: MaybeIdempotencyKey,
    Json(input): Json<BookingCreate>,
) -> Result<Response, ApiError> {
    let shape = Shape {
        body: &booking_body,
        path: "/api/bookings",
    };
    bookings::book_for_attendee(&app, &caller, &key, &input, None, shape).await
}

/// List bookings (`/api` dialect).
///
/// With `X-Attendee-Token`, the attendee's own bookings; admins see all. A bare array of one
/// page (`page`, `page_size`); the total is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/bookings", tag = "bookings",
    security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(BookingQuery, ("X-Attendee-Token" = Option<String>, Header, description = "List only this attendee's bookings")),
    responses(
        (status = 200, description = "One page of bookings", body = [ApiBooking],
            headers(("X-Total-Count" = i64, description = "Bookings across all pages"))),
        BadParameter,
        (status = 401, description = "No credential, or an unknown attendee token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in, but not an admin", body = Problem, content_type = "application/problem+json"),
        BadPage,
    ))]
pub async fn api_get_bookings(
    State(app): State<AppState>,
    caller: Caller,
    Query(query): Query<BookingQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = bookings::list(&app, &caller, &query).await?;
    Ok(bare_list(page, ApiBooking::render))
}

/// Get one booking (`/api` dialect).
///
/// Its `X-Cancel-Token`, its attendee's `X-Attendee-Token`, the event's owner, or an admin.
#[utoipa::path(get, path = "/api/bookings/{id}", tag = "bookings",
    security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Booking id", minimum = 1),
        ("X-Cancel-Token" = Option<String>, Header, description = "The booking's cancel token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token")),
    responses(
        (status = 200, description = "The booking", body = ApiBooking),
        NonNumericId,
        (status = 401, description = "No credential sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking for this credential", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn api_get_booking(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<ApiBooking>, ApiError> {
    let booking = caller.held_booking(&app, BookingId(id)).await?;
    Ok(axum::Json(ApiBooking::render(&booking)))
}

/// Cancel a booking, freeing its seat (`/api` dialect).
///
/// Its holder (either token), the event's owner, or an admin. Repeating it changes nothing.
#[utoipa::path(delete, path = "/api/bookings/{id}", tag = "bookings",
    security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Booking id", minimum = 1),
        ("X-Cancel-Token" = Option<String>, Header, description = "The booking's cancel token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token")),
    responses(
        (status = 200, description = "`{\"message\": \"Booking cancelled\"}`", body = Message),
        NonNumericId,
        (status = 401, description = "No credential sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking for this credential", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn api_cancel_booking(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Message>, ApiError> {
    bookings::cancel(&app, &caller, id).await?;
    Ok(axum::Json(Message {
        message: "Booking cancelled".into(),
    }))
}
