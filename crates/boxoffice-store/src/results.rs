//! What store operations give back: seat counts after a change, bookings made or given
//! back, listed events and exported attendee lines.

use boxoffice_domain::{Booking, Event, EventId, UserId};
use chrono::{DateTime, Utc};

/// An event's seats just after a booking or cancellation changed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatsAfter {
    pub event_id: EventId,
    pub event_title: String,
    pub owner_id: Option<UserId>,
    pub seats: boxoffice_domain::SeatCounts,
}

/// A seat just booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatBooked {
    pub booking: Booking,
    pub seats: SeatsAfter,
}

/// A seat a cancellation gave back: freed, or, when people wait for the event, booked at
/// once for the first in line (in the same transaction, so no seat is free while anyone waits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatReleased {
    pub seats: SeatsAfter,
    pub promoted: Option<SeatBooked>,
}

/// An event in a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedEvent {
    pub event: Event,
    /// Kilometres from the searched point, when the listing searched around one.
    pub distance_km: Option<f64>,
}

/// A confirmed booking of an event with its attendee, as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeLine {
    pub booking_id: i64,
    pub booked_at: DateTime<Utc>,
    pub attendee_id: i64,
    pub name: String,
    /// `None` for a walk-in registered without an address.
    pub email: Option<String>,
    pub phone: Option<String>,
}
