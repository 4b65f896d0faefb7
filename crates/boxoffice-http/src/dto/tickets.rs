//! Tickets, door staff and check-ins.

use crate::error::Problem;
use boxoffice_domain::Zone;
use boxoffice_store::{CheckIn, StaffMember};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A ticket presented at the door.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"ticket": "42.q1N3uV0aJk7Zb9x2c4d6eA"}))]
pub struct CheckInRequest {
    /// The code of the ticket (as in its QR code, or typed from the booking).
    #[schema(min_length = 1, max_length = 64)]
    pub ticket: String,
}

/// A booking admitted at the door.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckInView {
    pub booking_id: i64,
    pub event_id: i64,
    /// Whose booking it is.
    pub attendee_name: String,
    pub checked_in_at: String,
    /// Username of who admitted them; `null` once that account was deleted.
    #[schema(required = true)]
    pub checked_in_by: Option<String>,
}

impl CheckInView {
    pub fn render(c: &CheckIn, zone: Zone) -> Self {
        CheckInView {
            booking_id: c.booking_id.0,
            event_id: c.event_id.0,
            attendee_name: c.attendee_name.clone(),
            checked_in_at: zone.format(c.checked_in_at),
            checked_in_by: c.checked_in_by.clone(),
        }
    }
}

/// A page of an event's check-ins, in the order they happened, with the event's tally.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInPage {
    pub items: Vec<CheckInView>,
    /// Check-ins across all pages: how many people are in.
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
    /// Confirmed bookings of the event: how many people are expected.
    pub confirmed: i64,
}

/// `already_checked_in`: the problem, with the first admission.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlreadyCheckedIn {
    #[serde(flatten)]
    pub problem: Problem,
    /// When and by whom the ticket was first admitted.
    pub check_in: CheckInView,
}

/// A user who may admit people to an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffMemberView {
    pub user_id: i64,
    pub username: String,
    pub added_at: String,
}

impl StaffMemberView {
    pub fn render(s: &StaffMember, zone: Zone) -> Self {
        StaffMemberView {
            user_id: s.user_id.0,
            username: s.username.clone(),
            added_at: zone.format(s.added_at),
        }
    }
}

/// An event's door staff, by username.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffList {
    pub items: Vec<StaffMemberView>,
}
