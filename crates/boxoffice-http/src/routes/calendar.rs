//! `GET /events/{id}.ics`: an event as an iCalendar file, for "Add to calendar".
//!
//! The router cannot match a parameter followed by text within one path segment
//! (`{id}.ics`: matchit 0.8 refuses it), so `/events/{id}` takes the segment whole and
//! [`EventResource`] tells the event (`7`) from its calendar file (`7.ics`); anything else
//! stays the 400 of a non-numeric id.

use crate::auth::ClientIp;
use crate::error::ApiError;
use crate::openapi::responses::{EventNotFound, NonNumericId};
use crate::state::AppState;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use boxoffice_channels::ics::{CalendarEvent, calendar};
use boxoffice_domain::{Event, EventStatus, PublicUrl};
use serde::Deserialize;

/// What `/events/{id}` names: the event itself or its calendar file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum EventResource {
    Json(i64),
    Calendar(i64),
}

impl TryFrom<String> for EventResource {
    type Error = std::num::ParseIntError;

    fn try_from(segment: String) -> Result<Self, Self::Error> {
        match segment.strip_suffix(".ics") {
            Some(id) => id.parse().map(EventResource::Calendar),
            None => segment.parse().map(EventResource::Json),
        }
    }
}

/// Get an event as an iCalendar file.
///
/// `text/calendar` (RFC 5545) with one `VEVENT`: times in the event's own zone (with a
/// `VTIMEZONE`), or in UTC for an event across a daylight-saving change; an event without
/// an end lasts until the end of its local day. The `UID` is the same every time for an
/// event, so calendars update their entry; `URL` links to the event's page.
#[utoipa::path(get, path = "/events/{id}.ics", tag = "events",
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 200, description = "The calendar file", content_type = "text/calendar", body = String,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"event-{id}.ics\""))),
        NonNumericId,
        EventNotFound,
    ))]
pub async fn get_event_calendar(
    app: &AppState,
    ip: ClientIp,
    headers: &HeaderMap,
    id: i64,
) -> Result<Response, ApiError> {
    let event = crate::routes::events::find(app, id).await?;
    let origin = crate::origin::request_origin(
        headers,
        ip.0,
        &app.security.trusted_proxies,
        app.public_url.as_ref(),
    );
    let ics = calendar(&calendar_event(
        &event,
        &origin,
        app.public_url.as_ref(),
        app.now(),
    ));
    let disposition = format!("attachment; filename=\"event-{id}.ics\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| ApiError::internal())?,
            ),
        ],
        ics,
    )
        .into_response())
}

/// The calendar entry of `event`; `origin` is where its page is reached.
fn calendar_event(
    event: &Event,
    origin: &str,
    public_url: Option<&PublicUrl>,
    now: chrono::DateTime<chrono::Utc>,
) -> CalendarEvent {
    let content = &event.content;
    CalendarEvent {
        // Not from the request's Host: one event, one UID, however it is reached.
        uid: format!("event-{}@{}", event.id, uid_host(public_url)),
        title: content.title.as_str().to_owned(),
        description: content.description.clone(),
        location: Some(content.location.as_str().to_owned()),
        url: Some(format!(
            "{origin}{}/events/{}",
            crate::routes::webapp::PREFIX,
            event.id
        )),
        zone: content.zone,
        start: content.schedule.start(),
        end: content.schedule.ends_at(),
        stamp: now,
        cancelled: content.status == EventStatus::Canceled,
    }
}

/// The host named in UIDs: the public address's, or a reserved name that is never real.
pub(crate) fn uid_host(public_url: Option<&PublicUrl>) -> String {
    public_url.map_or_else(|| "boxoffice.invalid".to_owned(), PublicUrl::host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_names_the_event_or_its_calendar_file() {
        let parse = |s: &str| EventResource::try_from(s.to_owned());
        assert_eq!(parse("7"), Ok(EventResource::Json(7)));
        assert_eq!(parse("7.ics"), Ok(EventResource::Calendar(7)));
        for bad in [
            "abc",
            "7.ICS",
            "7.json",
            ".ics",
            "7.ics.ics",
            "99999999999999999999.ics",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
