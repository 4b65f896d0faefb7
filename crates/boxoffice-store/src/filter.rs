//! Listing filters, validated by the caller.

use boxoffice_domain::{
    AttendeeId, Country, EventId, EventSort, EventStatus, Near, Tag, UserId, When,
};
use chrono::{DateTime, Utc};

/// Which events to list and in what order.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub when: When,
    pub country: Option<Country>,
    pub tag: Option<Tag>,
    pub status: Option<EventStatus>,
    /// Case-insensitive text searched in title and description.
    pub text: Option<String>,
    /// Events starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Events starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only the events this user owns.
    pub owner: Option<UserId>,
    /// Only events with coordinates within this distance; each listed with its distance.
    pub near: Option<Near>,
    /// Distance orders need `near`; the caller checks.
    pub sort: EventSort,
}

impl EventFilter {
    pub(crate) fn order_by(&self) -> &'static str {
        match self.sort {
            EventSort::StartAsc => "e.start_time ASC, e.id ASC",
            EventSort::StartDesc => "e.start_time DESC, e.id DESC",
            EventSort::TitleAsc => "lower(e.title) ASC, e.id ASC",
            EventSort::TitleDesc => "lower(e.title) DESC, e.id DESC",
            EventSort::CreatedAsc => "e.created_at ASC, e.id ASC",
            EventSort::CreatedDesc => "e.created_at DESC, e.id DESC",
            // An event without a seat limit has more seats available than any other:
            // last in ascending order, first in descending order.
            EventSort::SeatsAvailableAsc => {
                "(e.capacity IS NULL) ASC, (e.capacity - e.seats_booked) ASC, e.id ASC"
            }
            EventSort::SeatsAvailableDesc => {
                "(e.capacity IS NULL) DESC, (e.capacity - e.seats_booked) DESC, e.id DESC"
            }
            // `distance_km` is the column the listing selects when a point is given.
            EventSort::DistanceAsc => "distance_km ASC, e.id ASC",
            EventSort::DistanceDesc => "distance_km DESC, e.id DESC",
        }
    }

    /// `%text%` for LIKE, with LIKE's own wildcards escaped.
    pub(crate) fn like_pattern(&self) -> Option<String> {
        self.text.as_ref().map(|t| {
            let escaped = t
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        })
    }
}

/// Which bookings to list.
#[derive(Debug, Clone, Default)]
pub struct BookingFilter {
    pub attendee: Option<AttendeeId>,
    pub event: Option<EventId>,
}
