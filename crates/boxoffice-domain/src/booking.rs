//! Bookings: one seat of one event for one attendee.

use crate::{AttendeeId, BookingId, Email, EventId, PersonName, Zone};
use chrono::{DateTime, Utc};
use std::str::FromStr;

/// A booking holds a seat while `confirmed`; cancelling frees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingStatus {
    Confirmed,
    Cancelled,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
        }
    }
}

impl FromStr for BookingStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "confirmed" => Ok(BookingStatus::Confirmed),
            "cancelled" => Ok(BookingStatus::Cancelled),
            _ => Err(format!("{s:?} is not one of confirmed, cancelled")),
        }
    }
}

/// A stored booking with the attendee it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: BookingId,
    pub event_id: EventId,
    /// The event's zone, the default for rendering the booking's times.
    pub event_zone: Zone,
    /// The event's title when the booking was read.
    pub event_title: String,
    pub attendee_id: AttendeeId,
    pub attendee_name: PersonName,
    /// `None` for a walk-in.
    pub attendee_email: Option<Email>,
    pub status: BookingStatus,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Why a booking was not made. Each maps to a stable error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingRefusal {
    #[error("event not found")]
    EventNotFound,
    #[error("attendee not found")]
    AttendeeNotFound,
    #[error("Event is fully booked")]
    EventFull,
    #[error("Attendee already booked this event")]
    AlreadyBooked,
    #[error("event is not bookable: {0}")]
    NotBookable(String),
    /// The hold the booking was to use expired, was used up or released, or is another event's.
    #[error("the hold expired")]
    HoldExpired,
}
