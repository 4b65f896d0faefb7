//! What an event's organizer (its owner, or an admin) sees beyond the attendee list:
//! the dashboard and the attendee export.

use crate::access::Caller;
use crate::dto::EventDashboard;
use crate::error::ApiError;
use crate::extract::{Path, RenderZone};
use crate::openapi::responses::{NonNumericId, OwnerOnly};
use crate::routes::events::owned_event;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{EventId, Zone};
use boxoffice_store::{AttendeeLine, StoreError};
use boxoffice_usecases as usecases;
use futures::{StreamExt, TryStreamExt};

/// Rows encoded into one chunk of the response body, at most.
const ROWS_PER_CHUNK: usize = 256;

const CSV_HEADER: [&str; 6] = [
    "booking_id",
    "booked_at",
    "attendee_id",
    "name",
    "email",
    "phone",
];

/// Get an event's dashboard: seats, bookings by status and booking activity over time.
///
/// For the event's owner or an admin. The series counts bookings made and cancelled per
/// local hour of the event's zone when the activity spans at most 48 hours, else per
/// local day, from the first bucket with activity to the last.
#[utoipa::path(get, path = "/events/{id}/dashboard", tag = "events",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 200, description = "The dashboard", body = EventDashboard),
        NonNumericId,
        OwnerOnly,
    ))]
pub async fn get_event_dashboard(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<EventDashboard>, ApiError> {
    let event = owned_event(&app, &caller, EventId(id)).await?;
    let dashboard = usecases::dashboard::dashboard(&app.store, &event).await?;
    Ok(axum::Json(EventDashboard::render(&event, &dashboard)))
}

/// Export the attendees of an event as CSV.
///
/// For the event's owner or an admin: one row per confirmed booking, in booking order,
/// with the columns `booking_id, booked_at, attendee_id, name, email, phone` (RFC 4180;
/// `booked_at` in `?tz=` or the event's zone). Cells a spreadsheet would read as a
/// formula start with `'`. Streamed as the database reads it, for lists of any size.
#[utoipa::path(get, path = "/events/{id}/attendees.csv", tag = "events",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1), crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The attendee list", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"event-{id}-attendees.csv\""))),
        NonNumericId,
        OwnerOnly,
    ))]
pub async fn get_event_attendees_csv(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let event = owned_event(&app, &caller, EventId(id)).await?;
    let zone = zone.or(event.content.zone);
    let mut header_line = String::new();
    crate::csv::push_record(&mut header_line, CSV_HEADER);
    let rows = app
        .store
        .attendee_lines(event.id)
        .ready_chunks(ROWS_PER_CHUNK)
        .map(move |chunk| encode(chunk, zone))
        .inspect_err(move |err| {
            tracing::error!(event.id = id, error = %err, "attendee export cut short");
        });
    let body = futures::stream::once(async { Ok(Bytes::from(header_line)) }).chain(rows);
    let disposition = format!("attachment; filename=\"event-{id}-attendees.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| ApiError::internal())?,
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// CSV records of a chunk of rows; the first error ends the export.
fn encode(chunk: Vec<Result<AttendeeLine, StoreError>>, zone: Zone) -> Result<Bytes, StoreError> {
    let mut out = String::with_capacity(chunk.len() * 96);
    for line in chunk {
        let line = line?;
        let (booking, booked_at) = (line.booking_id.to_string(), zone.format(line.booked_at));
        let attendee = line.attendee_id.to_string();
        let fields: [&str; 6] = [
            &booking,
            &booked_at,
            &attendee,
            &line.name,
            line.email.as_deref().unwrap_or_default(),
            line.phone.as_deref().unwrap_or_default(),
        ];
        crate::csv::push_record(&mut out, fields);
    }
    Ok(Bytes::from(out))
}
