//! Domain events: what happened, recorded with the change and published through the outbox.

use crate::{AttendeeId, BookingId, EventId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kinds of change that are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainEventKind {
    #[serde(rename = "event.created")]
    EventCreated,
    #[serde(rename = "event.updated")]
    EventUpdated,
    #[serde(rename = "event.deleted")]
    EventDeleted,
    #[serde(rename = "booking.created")]
    BookingCreated,
    #[serde(rename = "booking.cancelled")]
    BookingCancelled,
    /// A seat given back went to the first person on the event's waitlist.
    #[serde(rename = "booking.promoted")]
    BookingPromoted,
    /// Seats set aside by a hold: watchers' counts change, nobody is notified.
    #[serde(rename = "seats.held")]
    SeatsHeld,
    /// A hold's seats given back (expired, released early): counts change, nobody is notified.
    #[serde(rename = "seats.released")]
    SeatsReleased,
}

impl DomainEventKind {
    pub const ALL: [DomainEventKind; 8] = [
        DomainEventKind::EventCreated,
        DomainEventKind::EventUpdated,
        DomainEventKind::EventDeleted,
        DomainEventKind::BookingCreated,
        DomainEventKind::BookingCancelled,
        DomainEventKind::BookingPromoted,
        DomainEventKind::SeatsHeld,
        DomainEventKind::SeatsReleased,
    ];

    /// The wire name, e.g. `booking.created` (also the broker's routing key).
    pub fn as_str(self) -> &'static str {
        match self {
            DomainEventKind::EventCreated => "event.created",
            DomainEventKind::EventUpdated => "event.updated",
            DomainEventKind::EventDeleted => "event.deleted",
            DomainEventKind::BookingCreated => "booking.created",
            DomainEventKind::BookingCancelled => "booking.cancelled",
            DomainEventKind::BookingPromoted => "booking.promoted",
            DomainEventKind::SeatsHeld => "seats.held",
            DomainEventKind::SeatsReleased => "seats.released",
        }
    }

    /// Whether people hear of it (history, e-mail, push, notification frames); seat-count
    /// changes alone only move watchers' counts.
    pub fn is_notice(self) -> bool {
        !matches!(
            self,
            DomainEventKind::SeatsHeld | DomainEventKind::SeatsReleased
        )
    }

    /// The verb after the dot: `created`, `updated`, `deleted`, `cancelled`.
    pub fn action(self) -> &'static str {
        self.as_str()
            .split_once('.')
            .map_or("", |(_, action)| action)
    }
}

impl FromStr for DomainEventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DomainEventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown domain event {s:?}"))
    }
}

impl fmt::Display for DomainEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is told, decided when the change is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every signed-in user (new events).
    Everyone,
    /// These users only: the owner and, for updates and deletions, the subscribers.
    Users(Vec<UserId>),
}

impl Audience {
    pub fn includes(&self, user: UserId) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Users(users) => users.contains(&user),
        }
    }
}

/// Seat counts after the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatCounts {
    /// `None`: no seat limit.
    pub capacity: Option<i32>,
    pub seats_booked: i32,
}

impl SeatCounts {
    /// Seats still free; `None` without a seat limit.
    pub fn available(&self) -> Option<i32> {
        self.capacity.map(|capacity| capacity - self.seats_booked)
    }
}

/// One published change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainEvent {
    /// Unique id (UUID v4); consumers deduplicate by it.
    pub id: String,
    pub kind: DomainEventKind,
    pub occurred_at: DateTime<Utc>,
    /// Who made the change: a username, or an attendee's name for bookings made without an account.
    pub actor: Option<String>,
    pub event_id: EventId,
    pub event_title: String,
    pub owner_id: Option<UserId>,
    pub audience: Audience,
    /// Seat counts after the change; absent when the event is gone.
    pub seats: Option<SeatCounts>,
    pub booking_id: Option<BookingId>,
    /// For a deleted event: what its attendees must still be told, captured before the
    /// rows vanish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub farewell: Option<Farewell>,
}

/// What a deleted event leaves for its notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Farewell {
    /// Attendees whose booking was confirmed when the event was deleted.
    pub attendees: Vec<AttendeeId>,
    pub start: DateTime<Utc>,
    /// The event's IANA zone, to show the start as its attendees knew it.
    pub zone: String,
}

impl DomainEvent {
    /// A new domain event with a fresh id.
    pub fn new(
        kind: DomainEventKind,
        occurred_at: DateTime<Utc>,
        event_id: EventId,
        event_title: impl Into<String>,
    ) -> Self {
        DomainEvent {
            id: uuid::Uuid::new_v4().to_string(),
            kind,
            occurred_at,
            actor: None,
            event_id,
            event_title: event_title.into(),
            owner_id: None,
            audience: Audience::Users(Vec::new()),
            seats: None,
            booking_id: None,
            farewell: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_wire_names() {
        for kind in DomainEventKind::ALL {
            assert_eq!(kind.as_str().parse::<DomainEventKind>().unwrap(), kind);
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(DomainEventKind::BookingCancelled.action(), "cancelled");
    }

    #[test]
    fn audiences_decide_who_is_told() {
        assert!(Audience::Everyone.includes(UserId(7)));
        assert!(Audience::Users(vec![UserId(1), UserId(7)]).includes(UserId(7)));
        assert!(!Audience::Users(vec![UserId(1)]).includes(UserId(7)));
    }
}
