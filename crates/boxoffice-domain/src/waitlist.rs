//! Waitlists: people waiting, first come, first served, for a seat of a full event.

use crate::{AttendeeId, BookingId, Email, EventId, PersonName, WaitlistEntryId, Zone};
use chrono::{DateTime, Utc};
use std::str::FromStr;

/// Where a place in line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitlistStatus {
    /// In line; `position` says how many are ahead, plus one.
    Waiting,
    /// A freed seat went to this person: they hold `booking`.
    Promoted,
    /// Left the line (or was found holding a seat already when their turn came).
    Left,
}

impl WaitlistStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WaitlistStatus::Waiting => "waiting",
            WaitlistStatus::Promoted => "promoted",
            WaitlistStatus::Left => "left",
        }
    }
}

impl FromStr for WaitlistStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "waiting" => Ok(WaitlistStatus::Waiting),
            "promoted" => Ok(WaitlistStatus::Promoted),
            "left" => Ok(WaitlistStatus::Left),
            other => Err(format!("unknown waitlist status {other:?}")),
        }
    }
}

/// A person's place in an event's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistEntry {
    pub id: WaitlistEntryId,
    pub event_id: EventId,
    /// The event's own zone, in which its times are shown by default.
    pub event_zone: Zone,
    pub attendee_id: AttendeeId,
    pub attendee_name: PersonName,
    pub attendee_email: Option<Email>,
    pub status: WaitlistStatus,
    /// 1 for the first in line; only while waiting.
    pub position: Option<i64>,
    /// The booking a promotion made.
    pub booking_id: Option<BookingId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a person could not join a waitlist. Each maps to a stable error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaitlistRefusal {
    #[error("event not found")]
    EventNotFound,
    #[error("event is not bookable: {0}")]
    NotBookable(String),
    /// Seats are free (or the event has no limit): book instead.
    #[error("Seats are available")]
    SeatsAvailable,
    #[error("Attendee already booked this event")]
    AlreadyBooked,
    #[error("Attendee is already on the waitlist")]
    AlreadyWaiting,
}
