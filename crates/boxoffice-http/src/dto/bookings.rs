//! Booking requests and responses.

use boxoffice_domain::{Booking, BookingStatus, Zone};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Book a seat for a registered attendee (seed 000 style).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct BookingCreate {
    pub event_id: i64,
    pub attendee_id: i64,
}

/// `confirmed` while the seat is held; `cancelled` after cancellation.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BookingStatusName {
    Confirmed,
    Cancelled,
}

/// Who holds a booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingAttendee {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// One seat of one event for one attendee.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingView {
    pub id: i64,
    pub event_id: i64,
    pub attendee: BookingAttendee,
    pub status: BookingStatusName,
    pub created_at: String,
    pub cancelled_at: Option<String>,
    /// Only in the response that created the booking: send it as `X-Cancel-Token` to see or cancel this booking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_token: Option<String>,
}

impl BookingView {
    pub fn render(b: &Booking, zone: Option<Zone>) -> Self {
        let zone = zone.unwrap_or(b.event_zone);
        BookingView {
            id: b.id.0,
            event_id: b.event_id.0,
            attendee: BookingAttendee {
                id: b.attendee_id.0,
                name: b.attendee_name.as_str().to_owned(),
                email: b.attendee_email.as_str().to_owned(),
            },
            status: match b.status {
                BookingStatus::Confirmed => BookingStatusName::Confirmed,
                BookingStatus::Cancelled => BookingStatusName::Cancelled,
            },
            created_at: zone.format(b.created_at),
            cancelled_at: b.cancelled_at.map(|t| zone.format(t)),
            cancel_token: None,
        }
    }
}
