//! Wire types of the `/api` dialect: its camelCase field names and shapes
//! (`startDate`/`endDate` as wall-clock time in the event's zone, country names, bookings
//! as names). Each input converts into the main API's input, so the rules are the same.

use super::{AttendeeCreate, EventCreate, EventUpdate, nullable};
use boxoffice_domain::{Attendee, Booking, Event};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new event in the `/api` dialect.
///
/// `startDate`/`endDate` are read in `timezone` (default `Asia/Kolkata`) unless they carry an
/// offset. The main API's other event fields (`location`, `tags`, ...) are accepted too.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "title": "Symfony Conference", "description": "Learn about Symfony", "country": "France",
    "capacity": 100, "startDate": "2027-05-01T10:00:00", "endDate": "2027-05-01T18:00:00"}))]
pub struct ApiEventInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub title: Option<String>,
    #[schema(
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub description: Option<String>,
    /// A country's English name (`France`) or its ISO 3166-1 code (`FR`); default: the
    /// country of `timezone` when that zone belongs to exactly one.
    #[schema(value_type = String, required = false, example = "France", min_length = 2, max_length = 100)]
    pub country: Option<String>,
    /// Seats; absent or `null` means unlimited.
    #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 1000000)]
    pub capacity: Option<i64>,
    /// `YYYY-MM-DDTHH:MM:SS` in the event's time zone.
    #[serde(rename = "startDate")]
    #[schema(value_type = String, required = true, example = "2027-05-01T10:00:00", min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub start_date: Option<String>,
    /// After `startDate`; without it the event lasts until the end of its start's local day.
    #[serde(rename = "endDate")]
    #[schema(value_type = String, required = false, example = "2027-05-01T18:00:00", min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub end_date: Option<String>,
    /// Venue or city; defaults from the country.
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub location: Option<String>,
    /// IANA time zone of `startDate`/`endDate`; default `Asia/Kolkata`.
    #[schema(value_type = String, required = false, min_length = 1, max_length = 64, pattern = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")]
    pub timezone: Option<String>,
}

impl ApiEventInput {
    /// The same request in the main API's terms.
    pub fn into_main(self) -> EventCreate {
        EventCreate {
            title: self.title,
            description: self.description,
            location: self.location,
            country: self.country,
            timezone: self.timezone,
            start_time: self.start_date,
            end_time: self.end_date,
            capacity: self.capacity,
            ..EventCreate::default()
        }
    }
}

/// Changes to an event in the `/api` dialect: absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"title": "Symfony Conf 2025"}))]
pub struct ApiEventChanges {
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub title: Option<String>,
    /// `null` removes the description.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable, max_length = 5000, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$")]
    pub description: Option<Option<String>>,
    #[schema(value_type = String, required = false, min_length = 2, max_length = 100)]
    pub country: Option<String>,
    /// May not drop below the seats already booked; `null` lifts the limit.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 1000000)]
    pub capacity: Option<Option<i64>>,
    #[serde(rename = "startDate")]
    #[schema(value_type = String, required = false, min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub start_date: Option<String>,
    /// `null` removes the end: the event then lasts until the end of its start's local day.
    #[serde(rename = "endDate", default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable, min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub end_date: Option<Option<String>>,
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub location: Option<String>,
    #[schema(value_type = String, required = false, min_length = 1, max_length = 64, pattern = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")]
    pub timezone: Option<String>,
}

impl ApiEventChanges {
    /// The same request in the main API's terms.
    pub fn into_main(self) -> EventUpdate {
        EventUpdate {
            title: self.title,
            description: self.description,
            location: self.location,
            country: self.country,
            timezone: self.timezone,
            start_time: self.start_date,
            end_time: self.end_date,
            capacity: self.capacity,
            ..EventUpdate::default()
        }
    }
}

/// Field names of the main API as this dialect spells them, for validation errors.
pub fn dialect_field(field: &str) -> Option<&'static str> {
    match field {
        "start_time" => Some("startDate"),
        "end_time" => Some("endDate"),
        _ => None,
    }
}

/// An event in the `/api` dialect.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiEvent {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "Symfony Conference")]
    pub title: String,
    pub description: Option<String>,
    /// The country's English name.
    #[schema(example = "France")]
    pub country: String,
    /// Seats in all; `null`: unlimited.
    pub capacity: Option<i32>,
    /// Wall-clock time in the event's own zone, `YYYY-MM-DDTHH:MM:SS`.
    #[serde(rename = "startDate")]
    #[schema(example = "2027-05-01T10:00:00")]
    pub start_date: String,
    /// `null` for an event given only a start.
    #[serde(rename = "endDate")]
    #[schema(example = "2027-05-01T18:00:00")]
    pub end_date: Option<String>,
}

impl ApiEvent {
    pub fn render(event: &Event) -> Self {
        let c = &event.content;
        ApiEvent {
            id: event.id.0,
            title: c.title.as_str().to_owned(),
            description: c.description.clone(),
            country: c.country.name().to_owned(),
            capacity: c.capacity.map(|capacity| capacity.get()),
            start_date: c.zone.format_local(c.schedule.start()),
            end_date: c.schedule.end().map(|end| c.zone.format_local(end)),
        }
    }
}

/// A person registering in the `/api` dialect.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"name": "John Doe", "email": "john@example.com"}))]
pub struct ApiAttendeeInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub name: Option<String>,
    #[schema(value_type = String, required = true, format = Email, max_length = 254)]
    pub email: Option<String>,
}

impl ApiAttendeeInput {
    /// The same request in the main API's terms.
    pub fn into_main(self) -> AttendeeCreate {
        AttendeeCreate {
            name: self.name,
            email: self.email,
            phone: None,
            locale: None,
        }
    }
}

/// An attendee in the `/api` dialect.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAttendee {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "John Doe")]
    pub name: String,
    /// `null` for a walk-in who booked by name alone.
    #[schema(example = "john@example.com")]
    pub email: Option<String>,
}

impl ApiAttendee {
    pub fn render(a: &Attendee) -> Self {
        ApiAttendee {
            id: a.id.0,
            name: a.name.as_str().to_owned(),
            email: a.email.as_ref().map(|e| e.as_str().to_owned()),
        }
    }
}

/// A newly registered attendee, with the token that lets them book and manage their record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAttendeeRegistered {
    #[serde(flatten)]
    pub attendee: ApiAttendee,
    /// Shown once. Send it as `X-Attendee-Token` to book as this attendee.
    pub token: String,
}

/// A booking in the `/api` dialect: who holds a seat of which event, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBooking {
    #[schema(example = 1)]
    pub id: i64,
    /// The attendee's name.
    #[schema(example = "John Doe")]
    pub attendee: String,
    /// The event's title.
    #[schema(example = "Symfony Conference")]
    pub event: String,
}

impl ApiBooking {
    pub fn render(b: &Booking) -> Self {
        ApiBooking {
            id: b.id.0,
            attendee: b.attendee_name.as_str().to_owned(),
            event: b.event_title.clone(),
        }
    }
}
