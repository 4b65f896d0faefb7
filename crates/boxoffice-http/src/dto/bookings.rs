//! Booking requests and responses.

use super::attendees::new_attendee;
use boxoffice_domain::{
    Booking, BookingId, BookingStatus, Email, Invalid, NewAttendee, PersonName, TicketKey,
    Validator, Zone,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who a seat is for: a person known by e-mail, or a walk-in known by name alone.
///
/// With `email`, the person is registered on the fly if the address is new and
/// may hold one active booking per event (`already_booked`). `user_name` alone
/// books for a walk-in: someone without an e-mail address. Nothing identifies
/// a walk-in, so each such booking creates its own attendee record and is never
/// refused as a duplicate.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"name": "Asha Rao", "email": "asha@example.com", "locale": "en-IN"}))]
pub struct SeatRequest {
    /// 1 to 100 characters. Required with `email`.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: Option<String>,
    /// The same as `name`; alone (without `email`) it books a walk-in.
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "Bob",
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub user_name: Option<String>,
    /// Identifies the person, case-insensitively. Required unless booking a walk-in by `user_name`.
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// International format, e.g. `+91 98765 43210`.
    #[schema(pattern = r"^[ ().-]*\+([ ().-]*[0-9]){7,15}[ ().-]*$")]
    pub phone: Option<String>,
    /// Language for messages, e.g. `en` or `pt-BR`; default `en`.
    #[schema(pattern = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,3})?$")]
    pub locale: Option<String>,
}

impl SeatRequest {
    /// The person to book for; `email: None` is a walk-in.
    pub fn into_domain(self) -> Result<NewAttendee, Invalid> {
        let mut v = Validator::new();
        let walk_in = self.email.is_none() && self.name.is_none() && self.user_name.is_some();
        if self.name.is_some() && self.user_name.is_some() {
            v.fail("user_name", "give name or user_name, not both");
        }
        let name = v
            .require("name", self.name.or(self.user_name))
            .and_then(|n| v.check("name", PersonName::parse(&n)));
        let email = if walk_in {
            None
        } else {
            let missing = "is required (to book for someone without an e-mail address, send user_name alone: a walk-in)";
            match self.email {
                Some(e) => v.check("email", Email::parse(&e)),
                None => {
                    v.fail("email", missing);
                    None
                }
            }
        };
        new_attendee(v, name, email, self.phone, self.locale)
    }
}

/// Book a seat for a registered attendee by id.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct BookingCreate {
    #[schema(minimum = 1)]
    pub event_id: i64,
    #[schema(minimum = 1)]
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
    /// `null` for a walk-in booked by name alone.
    #[schema(required = true)]
    pub email: Option<String>,
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
    /// The ticket code, while the booking is confirmed: shown at the door, as text or as the
    /// QR code of `/bookings/{id}/ticket.svg` (or `.png`). In the booking's own responses
    /// (its 201, `GET /bookings/{id}`, `GET /bookings`), not in other listings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "42.q1N3uV0aJk7Zb9x2c4d6eA")]
    pub ticket: Option<String>,
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
                email: b.attendee_email.as_ref().map(|e| e.as_str().to_owned()),
            },
            status: match b.status {
                BookingStatus::Confirmed => BookingStatusName::Confirmed,
                BookingStatus::Cancelled => BookingStatusName::Cancelled,
            },
            created_at: zone.format(b.created_at),
            cancelled_at: b.cancelled_at.map(|t| zone.format(t)),
            cancel_token: None,
            ticket: None,
        }
    }

    /// Adds the booking's ticket code, if it is confirmed (a cancelled booking admits nobody).
    pub fn with_ticket(mut self, tickets: &TicketKey) -> Self {
        if matches!(self.status, BookingStatusName::Confirmed) {
            self.ticket = Some(tickets.issue(BookingId(self.id)).to_string());
        }
        self
    }
}
