//! Server-to-client WebSocket frames.
//!
//! Notifications have one fixed shape, spacing included:
//! `{"type": "notification", "notification_type": "event.created", "event": {"id": "42", ...}, "user": "alice"}`.

use boxoffice_domain::{DomainEvent, DomainEventKind, EventId, SeatCounts};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io;

/// JSON with `", "` between items and `": "` after keys, as Python's `json.dumps` writes it.
struct Spaced;

/// `", "` before every item but the first.
fn separate<W: ?Sized + io::Write>(writer: &mut W, first: bool) -> io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separate(writer, first)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separate(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

fn to_text(value: &impl Serialize) -> String {
    let mut out = Vec::with_capacity(192);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Spaced);
    value
        .serialize(&mut serializer)
        .expect("frames serialize to memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// ISO 8601 in UTC with a `Z`, to the second: `2026-11-21T10:00:00Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The same to the millisecond, for seat counts: clients can measure how fresh they are.
fn precise_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[derive(Serialize)]
struct EventRef<'a> {
    id: String,
    title: &'a str,
    action: &'a str,
    timestamp: String,
}

#[derive(Serialize)]
struct Notification<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    notification_type: &'a str,
    event: EventRef<'a>,
    user: Option<&'a str>,
}

/// The notification frame for a domain event.
pub fn notification(change: &DomainEvent) -> String {
    notification_parts(
        change.kind,
        change.event_id,
        &change.event_title,
        change.actor.as_deref(),
        change.occurred_at,
    )
}

/// The same envelope from its parts (used for the history, which stores the parts).
pub fn notification_parts(
    kind: DomainEventKind,
    event_id: EventId,
    title: &str,
    actor: Option<&str>,
    at: DateTime<Utc>,
) -> String {
    to_text(&Notification {
        kind: "notification",
        notification_type: kind.as_str(),
        event: EventRef {
            id: event_id.0.to_string(),
            title,
            action: kind.action(),
            timestamp: timestamp(at),
        },
        user: actor,
    })
}

#[derive(Serialize)]
struct Seats {
    #[serde(rename = "type")]
    kind: &'static str,
    event_id: i64,
    /// `null` for an event without a seat limit, as is `seats_available`.
    capacity: Option<i32>,
    seats_booked: i32,
    seats_available: Option<i32>,
    timestamp: String,
}

/// Live seat counts for watchers of an event.
pub fn seats(event_id: EventId, counts: SeatCounts, at: DateTime<Utc>) -> String {
    to_text(&Seats {
        kind: "seats",
        event_id: event_id.0,
        capacity: counts.capacity,
        seats_booked: counts.seats_booked,
        seats_available: counts.available(),
        timestamp: precise_timestamp(at),
    })
}

#[derive(Serialize)]
struct Ack<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    action: &'a str,
    event_id: i64,
}

/// Confirms a client's `subscribe`, `unsubscribe`, `watch` or `unwatch`.
pub fn ack(action: &str, event_id: EventId) -> String {
    to_text(&Ack {
        kind: "ack",
        action,
        event_id: event_id.0,
    })
}

#[derive(Serialize)]
struct Error<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    code: &'a str,
    detail: &'a str,
}

/// Tells a client its message was not understood or not allowed.
pub fn error(code: &str, detail: &str) -> String {
    to_text(&Error {
        kind: "error",
        code,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use boxoffice_domain::{Audience, UserId};

    #[test]
    fn notifications_match_the_documented_frame_byte_for_byte() {
        let mut change = DomainEvent::new(
            DomainEventKind::EventCreated,
            "2026-11-21T10:00:00Z".parse().unwrap(),
            EventId(42),
            "Rust Meetup",
        );
        change.actor = Some("alice".into());
        change.audience = Audience::Everyone;
        change.owner_id = Some(UserId(1));
        assert_eq!(
            notification(&change),
            r#"{"type": "notification", "notification_type": "event.created", "event": {"id": "42", "title": "Rust Meetup", "action": "created", "timestamp": "2026-11-21T10:00:00Z"}, "user": "alice"}"#
        );
    }

    #[test]
    fn seat_frames_carry_counts_and_availability() {
        let at = "2026-11-21T10:00:00.5Z".parse().unwrap();
        assert_eq!(
            seats(
                EventId(42),
                SeatCounts {
                    capacity: Some(50),
                    seats_booked: 12
                },
                at
            ),
            r#"{"type": "seats", "event_id": 42, "capacity": 50, "seats_booked": 12, "seats_available": 38, "timestamp": "2026-11-21T10:00:00.500Z"}"#
        );
    }

    #[test]
    fn seat_frames_of_an_event_without_a_limit_carry_nulls() {
        let at = "2026-11-21T10:00:00.5Z".parse().unwrap();
        let counts = SeatCounts {
            capacity: None,
            seats_booked: 12,
        };
        assert_eq!(
            seats(EventId(42), counts, at),
            r#"{"type": "seats", "event_id": 42, "capacity": null, "seats_booked": 12, "seats_available": null, "timestamp": "2026-11-21T10:00:00.500Z"}"#
        );
    }

    #[test]
    fn titles_are_escaped() {
        let change = DomainEvent::new(
            DomainEventKind::EventUpdated,
            Utc::now(),
            EventId(1),
            "Say \"hi\"",
        );
        let text = notification(&change);
        assert!(text.contains(r#""title": "Say \"hi\"""#));
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }
}
