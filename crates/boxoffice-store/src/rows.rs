//! Row shapes shared by both backends, and their conversion to domain types.
//!
//! Stored values were validated on the way in; a value that no longer parses
//! means the data was changed behind the application's back (`Corrupt`).

use crate::StoreError;
use boxoffice_domain::{
    Attachment, AttachmentKind, Attendee, AttendeeId, Booking, BookingId, Capacity, Coordinates,
    Country, Email, Event, EventId, FileName, Locale, Location, NewEvent, PersonName, Phone,
    Schedule, SecretHash, Tags, Title, User, UserId, Username, Zone,
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
    /// The attached file's columns, all `NULL` when there is none.
    pub file_key: Option<String>,
    pub file_name: Option<String>,
    pub file_content_type: Option<String>,
    pub file_size: Option<i64>,
    pub file_sha256: Option<String>,
    pub file_uploaded_at: Option<DateTime<Utc>>,
}

/// An event in a listing, with its distance from the searched point when there is one.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ListedEventRow {
    #[sqlx(flatten)]
    pub event: EventRow,
    pub distance_km: Option<f64>,
}

impl EventRow {
    fn attachment(&self) -> Result<Option<Attachment>, String> {
        let (Some(key), Some(name), Some(content_type), Some(size), Some(sha256), Some(at)) = (
            &self.file_key,
            &self.file_name,
            &self.file_content_type,
            self.file_size,
            &self.file_sha256,
            self.file_uploaded_at,
        ) else {
            return Ok(None);
        };
        Ok(Some(Attachment {
            key: key.clone(),
            file_name: FileName::from_stored(name)?,
            kind: AttachmentKind::from_content_type(content_type)
                .ok_or_else(|| format!("unknown attachment type {content_type:?}"))?,
            size,
            sha256: sha256.clone(),
            uploaded_at: at,
        }))
    }

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
        let attachment = self.attachment().map_err(bad)?;
        Ok(Event {
            attachment,
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

/// A notification inserted just now, by the domain event it records.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct InsertedNotification {
    pub id: i64,
    pub message_id: String,
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

/// An event as a seat update left it: `RETURNING title, owner_id, capacity, seats_booked`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SeatState {
    pub title: String,
    pub owner_id: Option<i64>,
    pub capacity: Option<i32>,
    pub seats_booked: i32,
}

impl SeatState {
    pub fn into_seats(self, event_id: EventId) -> crate::SeatsAfter {
        crate::SeatsAfter {
            event_id,
            event_title: self.title,
            owner_id: self.owner_id.map(UserId),
            seats: boxoffice_domain::SeatCounts {
                capacity: self.capacity,
                seats_booked: self.seats_booked,
            },
        }
    }
}

/// What the seat increment of a booking returns.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct BookedSeat {
    #[sqlx(flatten)]
    pub seat: SeatState,
    pub timezone: String,
}

impl BookedSeat {
    /// The booking just inserted as `id`, built from what is known instead of read back.
    pub fn into_booked(
        self,
        id: BookingId,
        event: EventId,
        attendee: KnownAttendee,
        now: DateTime<Utc>,
    ) -> Result<crate::SeatBooked, StoreError> {
        let bad = |reason: String| corrupt("booking", id.0, reason);
        let booking = Booking {
            id,
            event_id: event,
            event_zone: Zone::parse(&self.timezone).map_err(bad)?,
            event_title: self.seat.title.clone(),
            attendee_id: AttendeeId(attendee.id),
            attendee_name: PersonName::parse(&attendee.name).map_err(bad)?,
            attendee_email: (attendee.email.as_deref())
                .map(Email::parse)
                .transpose()
                .map_err(bad)?,
            status: boxoffice_domain::BookingStatus::Confirmed,
            created_at: now,
            cancelled_at: None,
        };
        let seats = self.seat.into_seats(event);
        Ok(crate::SeatBooked { booking, seats })
    }
}

/// Whether an event takes bookings, read when a seat could not be counted.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventState {
    pub status: String,
    pub ends_at: DateTime<Utc>,
}

impl EventState {
    /// Why the seat was not counted, the attendee aside: gone, closed or full.
    pub fn refusal(
        state: Option<Self>,
        now: DateTime<Utc>,
    ) -> Result<boxoffice_domain::BookingRefusal, StoreError> {
        use boxoffice_domain::{BookingRefusal, EventStatus};
        let Some(state) = state else {
            return Ok(BookingRefusal::EventNotFound);
        };
        let status: EventStatus = state
            .status
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("event status: {e}")))?;
        Ok(status
            .unbookable_reason(state.ends_at <= now)
            .map_or(BookingRefusal::EventFull, BookingRefusal::NotBookable))
    }
}

/// The attendee a booking is for, as far as the booking needs to know.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct KnownAttendee {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

/// A booking cancelled by its attendee's erasure, whose seat is to be freed.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct FreedSeat {
    pub booking_id: i64,
    pub event_id: i64,
}

/// `status_code` of a key whose request is still in its transaction.
pub(crate) const PENDING: i32 = 0;
/// `status_code` of a key whose outcome is recorded in `response_body`.
pub(crate) const RECORDED: i32 = 1;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct IdempotencyRow {
    pub request_hash: String,
    pub status_code: i32,
    pub response_body: String,
}

impl IdempotencyRow {
    /// What a key taken before means for a request with `key`.
    pub fn into_claim(self, key: &crate::IdempotencyKey) -> Result<crate::KeyClaim, StoreError> {
        if self.request_hash != key.request_hash {
            return Ok(crate::KeyClaim::OtherRequest);
        }
        if self.status_code != RECORDED {
            return Err(StoreError::Corrupt(format!(
                "idempotency key of {} has no recorded outcome (status {})",
                key.scope, self.status_code
            )));
        }
        Ok(crate::KeyClaim::Seen(self.response_body))
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct BacklogRow {
    pub count: i64,
    pub oldest: Option<DateTime<Utc>>,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct TagRow {
    pub event_id: i64,
    pub tag: String,
}
