//! Seat holds: set seats aside for a few minutes, book them with the hold's token, or let
//! them go.

use crate::access::HOLD_TOKEN;
use crate::dto::{HoldCreate, HoldView};
use crate::error::{ApiError, Missing, Problem};
use crate::extract::{Json, Path, RenderZone, header_text};
use crate::openapi::responses::{EventNotFound, NonNumericId};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{EventId, HoldId, SeatHold, SecretHash, Zone};
use boxoffice_usecases as usecases;

/// The hold `id`, if `X-Hold-Token` is its token; the same 404 otherwise, so holds
/// cannot be probed.
async fn held(app: &AppState, headers: &HeaderMap, id: i64) -> Result<SeatHold, ApiError> {
    let Some(token) = header_text(headers, HOLD_TOKEN).map(SecretHash::of) else {
        return Err(ApiError::unauthorized("Send the hold's X-Hold-Token."));
    };
    match app.store.seat_hold(HoldId(id), app.now()).await? {
        Some((hold, hash)) if hash == token => Ok(hold),
        _ => Err(ApiError::not_found(Missing::Hold, id)),
    }
}

/// The zone a hold's times are shown in: the one asked for, else the event's own.
async fn zone_of(app: &AppState, event: EventId, asked: Option<Zone>) -> Result<Zone, ApiError> {
    if let Some(zone) = asked {
        return Ok(zone);
    }
    let event = app.store.get_event(event).await?;
    Ok(event.map_or(Zone::DEFAULT, |e| e.content.zone))
}

/// Hold seats of an event for a few minutes.
///
/// While a person completes their details. The seats count against the capacity at once
/// (watchers see them go) and come back by themselves when the hold expires (after
/// `HOLD_MINUTES`, 10 by default), to the first on the waitlist if people wait. Book a held
/// seat with `POST /events/{id}/book` and the `X-Hold-Token` header; each booking uses one.
#[utoipa::path(post, path = "/events/{id}/holds", tag = "bookings", request_body(content = HoldCreate, description = "Optional: `{}` holds one seat"),
    params(("id" = i64, Path, description = "Event id", minimum = 1), crate::openapi::TimeZoneParam),
    responses(
        (status = 201, description = "Held; keep `token`", body = HoldView),
        (status = 400, description = "`event_full` (not that many seats free), `event_not_bookable`, or a non-numeric id", body = Problem, content_type = "application/problem+json"),
        EventNotFound,
        (status = 422, description = "`seats` out of range", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn hold_seats(
    State(app): State<AppState>,
    zone: RenderZone,
    Path(id): Path<i64>,
    Json(input): Json<HoldCreate>,
) -> Result<Response, ApiError> {
    let seats = input.seats()?;
    let now = app.now();
    let held = usecases::holds::place(&app.store, EventId(id), seats, app.hold_duration, now)
        .await?
        .map_err(ApiError::from)?;
    let hold = &held.hold;
    tracing::info!(event.id = id, hold.id = %hold.id, seats, "seats held");
    let zone = zone_of(&app, hold.event_id, zone.0).await?;
    let mut view = HoldView::render(hold, zone, now);
    view.token = Some(held.token.expose().to_owned());
    let location = format!("/holds/{}", hold.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(view),
    )
        .into_response())
}

/// Get a hold: the seats it still holds and the time left.
#[utoipa::path(get, path = "/holds/{id}", tag = "bookings",
    params(("id" = i64, Path, description = "Hold id", minimum = 1),
        ("X-Hold-Token" = String, Header, description = "The hold's token"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The hold", body = HoldView),
        NonNumericId,
        (status = 401, description = "No X-Hold-Token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live hold for this token (expired, used up or released)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_hold(
    State(app): State<AppState>,
    zone: RenderZone,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<axum::Json<HoldView>, ApiError> {
    let hold = held(&app, &headers, id).await?;
    let zone = zone_of(&app, hold.event_id, zone.0).await?;
    Ok(axum::Json(HoldView::render(&hold, zone, app.now())))
}

/// Release a hold now, giving its seats back.
#[utoipa::path(delete, path = "/holds/{id}", tag = "bookings",
    params(("id" = i64, Path, description = "Hold id", minimum = 1),
        ("X-Hold-Token" = String, Header, description = "The hold's token")),
    responses(
        (status = 204, description = "Released"),
        NonNumericId,
        (status = 401, description = "No X-Hold-Token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live hold for this token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn release_hold(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let hold = held(&app, &headers, id).await?;
    if usecases::holds::release(&app.store, hold.id, app.now()).await? {
        tracing::info!(hold.id = %hold.id, "hold released");
    }
    Ok(StatusCode::NO_CONTENT)
}
