//! Places in an event's waitlist.

use super::attendees::new_attendee;
use super::bookings::BookingAttendee;
use boxoffice_domain::{
    Email, Invalid, NewAttendee, PersonName, Validator, WaitlistEntry, WaitlistStatus, Zone,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Join a full event's waitlist. The e-mail address is how the person hears that a seat
/// became theirs, so it is required.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"name": "Asha Rao", "email": "asha@example.com", "locale": "en-IN"}))]
pub struct WaitlistJoin {
    /// 1 to 100 characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: String,
    /// Identifies the person, case-insensitively.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// International format, e.g. `+91 98765 43210`.
    #[schema(pattern = r"^[ ().-]*\+([ ().-]*[0-9]){7,15}[ ().-]*$")]
    pub phone: Option<String>,
    /// Language for messages, e.g. `en` or `pt-BR`; default `en`.
    #[schema(pattern = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,3})?$")]
    pub locale: Option<String>,
}

impl WaitlistJoin {
    pub fn into_domain(self) -> Result<NewAttendee, Invalid> {
        let mut v = Validator::new();
        let name = v.check("name", PersonName::parse(&self.name));
        let email = v.check("email", Email::parse(&self.email));
        new_attendee(v, name, email, self.phone, self.locale)
    }
}

/// Where a place in line stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WaitlistStatusName {
    /// In line; see `position`.
    Waiting,
    /// A freed seat went to this person: see `booking_id`.
    Promoted,
    /// Left the line.
    Left,
}

/// A person's place in an event's waitlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitlistEntryView {
    pub id: i64,
    pub event_id: i64,
    pub attendee: BookingAttendee,
    pub status: WaitlistStatusName,
    /// 1 for the first in line; `null` once no longer waiting.
    #[schema(required = true, minimum = 1)]
    pub position: Option<i64>,
    /// The booking made when a freed seat went to this person.
    #[schema(required = true)]
    pub booking_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// Only in the response that created the place: send it as `X-Waitlist-Token` to see
    /// the place or leave the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl WaitlistEntryView {
    pub fn render(entry: &WaitlistEntry, zone: Option<Zone>) -> Self {
        let zone = zone.unwrap_or(entry.event_zone);
        WaitlistEntryView {
            id: entry.id.0,
            event_id: entry.event_id.0,
            attendee: BookingAttendee {
                id: entry.attendee_id.0,
                name: entry.attendee_name.as_str().to_owned(),
                email: entry.attendee_email.as_ref().map(|e| e.as_str().to_owned()),
            },
            status: match entry.status {
                WaitlistStatus::Waiting => WaitlistStatusName::Waiting,
                WaitlistStatus::Promoted => WaitlistStatusName::Promoted,
                WaitlistStatus::Left => WaitlistStatusName::Left,
            },
            position: entry.position,
            booking_id: entry.booking_id.map(|b| b.0),
            created_at: zone.format(entry.created_at),
            updated_at: zone.format(entry.updated_at),
            token: None,
        }
    }
}
