//! Row shapes shared by both backends, and their conversion to domain types.
//!
//! Stored values were validated on the way in; a value that no longer parses
//! means the data was changed behind the application's back (`Corrupt`).

use crate::StoreError;
use boxoffice_domain::{
    Attendee, AttendeeId, Booking, BookingId, Capacity, Coordinates, Country, Email, Event,
    EventId, Locale, Location, NewEvent, PersonName, Phone, Schedule, SecretHash, Tags, Title,
    User, UserId, Username, Zone,
};
use chrono::{DateTime, Utc};

fn corrupt(what: &str, id: i64, reason: String) -> StoreError {
    StoreError::Corrupt(format!("{what} {id}: {reason}"))
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub location: String,
    pub country: String,
    pub timezone: String,
    pub start_time: DateTime<Utc>,
    pub end_time: Option<DateTime<Utc>>,
    pub ends_at: DateTime<Utc>,
    pub capacity: Option<i32>,
    pub seats_booked: i32,
    pub status: String,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub attachment_url: Option<String>,
    pub owner_id: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EventRow {
    pub fn into_event(self, tags: Vec<String>) -> Result<Event, StoreError> {
        let id = self.id;
        let bad = |reason: String| corrupt("event", id, reason);
        let coordinates = match (self.longitude, self.latitude) {
            (Some(lon), Some(lat)) => Some(Coordinates::new(lon, lat).map_err(bad)?),
            _ => None,
        };
        let zone = Zone::parse(&self.timezone).map_err(bad)?;
        let schedule =
            Schedule::stored(self.start_time, self.end_time, self.ends_at).map_err(bad)?;
        Ok(Event {
            id: EventId(self.id),
            content: NewEvent {
                title: Title::parse(&self.title).map_err(bad)?,
                description: self.description,
                location: Location::parse(&self.location).map_err(bad)?,
                country: Country::parse(&self.country).map_err(bad)?,
                zone,
                schedule,
                capacity: self
                    .capacity
                    .map(|c| Capacity::new(c.into()))
                    .transpose()
                    .map_err(bad)?,
                tags: Tags::from_stored(tags),
                status: self.status.parse().map_err(bad)?,
                coordinates,
                attachment_url: self.attachment_url,
            },
            seats_booked: self.seats_booked,
            owner_id: self.owner_id.map(UserId),
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AttendeeRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<AttendeeRow> for Attendee {
    type Error = StoreError;
    fn try_from(row: AttendeeRow) -> Result<Self, StoreError> {
        let bad = |reason: String| corrupt("attendee", row.id, reason);
        Ok(Attendee {
            id: AttendeeId(row.id),
            name: PersonName::parse(&row.name).map_err(bad)?,
            email: row
                .email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(bad)?,
            phone: row
                .phone
                .as_deref()
                .map(Phone::parse)
                .transpose()
                .map_err(bad)?,
            locale: Locale::parse(&row.locale).map_err(bad)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct BookingRow {
    pub id: i64,
    pub event_id: i64,
    pub event_timezone: String,
    pub event_title: String,
    pub attendee_id: i64,
    pub attendee_name: String,
    pub attendee_email: Option<String>,
    pub status: String,
    pub cancel_token_hash: String,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl BookingRow {
    pub fn into_booking(self) -> Result<(Booking, SecretHash), StoreError> {
        let bad = |reason: String| corrupt("booking", self.id, reason);
        let booking = Booking {
            id: BookingId(self.id),
            event_id: EventId(self.event_id),
            event_zone: Zone::parse(&self.event_timezone).map_err(bad)?,
            event_title: self.event_title,
            attendee_id: AttendeeId(self.attendee_id),
            attendee_name: PersonName::parse(&self.attendee_name).map_err(bad)?,
            attendee_email: self
                .attendee_email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(bad)?,
            status: self.status.parse().map_err(bad)?,
            created_at: self.created_at,
            cancelled_at: self.cancelled_at,
        };
        Ok((booking, SecretHash(self.cancel_token_hash)))
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub full_name: Option<String>,
    pub role: String,
    pub is_verified: bool,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub fn into_user(self) -> Result<(User, String), StoreError> {
        let bad = |reason: String| corrupt("user", self.id, reason);
        let user = User {
            id: UserId(self.id),
            email: Email::parse(&self.email).map_err(bad)?,
            username: Username::parse(&self.username).map_err(bad)?,
            full_name: self.full_name,
            role: self.role.parse().map_err(bad)?,
            is_verified: self.is_verified,
            created_at: self.created_at,
        };
        Ok((user, self.password_hash))
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct NotificationRow {
    pub message_id: String,
    pub notification_type: String,
    pub event_id: i64,
    pub event_title: String,
    pub actor: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

impl NotificationRow {
    pub fn into_record(self) -> Result<crate::NotificationRecord, StoreError> {
        let kind = self.notification_type.parse().map_err(|reason: String| {
            StoreError::Corrupt(format!("notification {}: {reason}", self.message_id))
        })?;
        Ok(crate::NotificationRecord {
            message_id: self.message_id,
            kind,
            event_id: EventId(self.event_id),
            event_title: self.event_title,
            actor: self.actor,
            occurred_at: self.occurred_at,
        })
    }
}
