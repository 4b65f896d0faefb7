//! A booking's ticket as an image: the QR code of its ticket code.

use crate::access::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::extract::Path;
use crate::openapi::responses::NonNumericId;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use boxoffice_channels::qr::QrImage;
use boxoffice_domain::{BookingId, BookingStatus};

/// The QR code of the ticket of a booking the caller may see, if it is confirmed.
async fn ticket_image(app: &AppState, caller: &Caller, id: i64) -> Result<QrImage, ApiError> {
    let booking = caller.held_booking(app, BookingId(id)).await?;
    if booking.status != BookingStatus::Confirmed {
        return Err(ApiError::new(
            ErrorCode::TicketCancelled,
            format!("booking {id} is cancelled: its ticket admits nobody"),
        ));
    }
    let code = app.security.tickets.issue(booking.id);
    QrImage::of(code.as_str()).map_err(|err| {
        tracing::error!(booking.id = id, error = %err, "ticket code does not fit a QR code");
        ApiError::internal()
    })
}

/// The image is as good as the ticket: like every API answer it is sent `no-store`.
fn image(content_type: &'static str, body: impl IntoResponse) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Get a booking's ticket as an SVG QR code.
///
/// For the same callers as `GET /bookings/{id}`. The QR code holds the ticket code, which
/// the door scans (`POST /events/{id}/check-ins`).
#[utoipa::path(get, path = "/bookings/{id}/ticket.svg", tag = "bookings", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Booking id", minimum = 1),
        ("X-Cancel-Token" = Option<String>, Header, description = "The booking's cancel token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token")),
    responses(
        (status = 200, description = "The ticket's QR code", content_type = "image/svg+xml", body = String),
        NonNumericId,
        (status = 401, description = "No credential sent", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking for this credential", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ticket_cancelled`: the booking is cancelled", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_booking_ticket_svg(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let qr = ticket_image(&app, &caller, id).await?;
    Ok(image("image/svg+xml", qr.svg()))
}

/// Get a booking's ticket as a PNG QR code.
///
/// As the SVG, for places that do not show SVG (e-mail clients, some wallets).
#[utoipa::path(get, path = "/bookings/{id}/ticket.png", tag = "bookings", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Booking id", minimum = 1),
        ("X-Cancel-Token" = Option<String>, Header, description = "The booking's cancel token"),
        ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token")),
    responses(
        (status = 200, description = "The ticket's QR code", content_type = "image/png", body = crate::dto::FileBytes),
        NonNumericId,
        (status = 401, description = "No credential sent", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking for this credential", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ticket_cancelled`: the booking is cancelled", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_booking_ticket_png(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let qr = ticket_image(&app, &caller, id).await?;
    Ok(image("image/png", qr.png()))
}
