//! The typed outcome of an idempotent request, as stored with its key.
//!
//! It keeps what the first answer was made of (the booking as it was then, its cancel
//! token and the zone it was rendered in), so that a repeat renders the same bytes even
//! if the booking has changed since.

use crate::Booked;
use boxoffice_domain::{
    AttendeeId, Booking, BookingId, BookingRefusal, Email, EventId, PersonName, SecretToken, Zone,
};
use boxoffice_store::StoreError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub(crate) enum Recorded {
    Booked {
        booking: BookingRecord,
        cancel_token: String,
        render_zone: Option<String>,
    },
    Refused {
        refusal: RefusalRecord,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub(crate) enum RefusalRecord {
    EventNotFound,
    AttendeeNotFound,
    EventFull,
    AlreadyBooked,
    NotBookable(String),
    HoldExpired,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BookingRecord {
    id: BookingId,
    event_id: EventId,
    event_zone: String,
    event_title: String,
    attendee_id: AttendeeId,
    attendee_name: String,
    attendee_email: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    cancelled_at: Option<DateTime<Utc>>,
}

fn corrupt(reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("recorded idempotent outcome: {reason}"))
}

impl Recorded {
    pub(crate) fn encode(result: &Result<Booked, BookingRefusal>) -> Result<String, StoreError> {
        let recorded = match result {
            Ok(booked) => Recorded::Booked {
                booking: BookingRecord::from(&booked.booking),
                cancel_token: booked.cancel_token.expose().to_owned(),
                render_zone: booked.render_zone.map(|z| z.name().to_owned()),
            },
            Err(refusal) => Recorded::Refused {
                refusal: RefusalRecord::from(refusal.clone()),
            },
        };
        serde_json::to_string(&recorded).map_err(corrupt)
    }

    pub(crate) fn decode(stored: &str) -> Result<Result<Booked, BookingRefusal>, StoreError> {
        match serde_json::from_str(stored).map_err(corrupt)? {
            Recorded::Booked {
                booking,
                cancel_token,
                render_zone,
            } => Ok(Ok(Booked {
                booking: booking.try_into()?,
                cancel_token: SecretToken::restore(cancel_token),
                render_zone: render_zone
                    .map(|zone| Zone::parse(&zone))
                    .transpose()
                    .map_err(corrupt)?,
            })),
            Recorded::Refused { refusal } => Ok(Err(refusal.into())),
        }
    }
}

impl From<BookingRefusal> for RefusalRecord {
    fn from(refusal: BookingRefusal) -> Self {
        match refusal {
            BookingRefusal::EventNotFound => RefusalRecord::EventNotFound,
            BookingRefusal::AttendeeNotFound => RefusalRecord::AttendeeNotFound,
            BookingRefusal::EventFull => RefusalRecord::EventFull,
            BookingRefusal::AlreadyBooked => RefusalRecord::AlreadyBooked,
            BookingRefusal::NotBookable(reason) => RefusalRecord::NotBookable(reason),
            BookingRefusal::HoldExpired => RefusalRecord::HoldExpired,
        }
    }
}

impl From<RefusalRecord> for BookingRefusal {
    fn from(record: RefusalRecord) -> Self {
        match record {
            RefusalRecord::EventNotFound => BookingRefusal::EventNotFound,
            RefusalRecord::AttendeeNotFound => BookingRefusal::AttendeeNotFound,
            RefusalRecord::EventFull => BookingRefusal::EventFull,
            RefusalRecord::AlreadyBooked => BookingRefusal::AlreadyBooked,
            RefusalRecord::NotBookable(reason) => BookingRefusal::NotBookable(reason),
            RefusalRecord::HoldExpired => BookingRefusal::HoldExpired,
        }
    }
}

impl From<&Booking> for BookingRecord {
    fn from(booking: &Booking) -> Self {
        BookingRecord {
            id: booking.id,
            event_id: booking.event_id,
            event_zone: booking.event_zone.name().to_owned(),
            event_title: booking.event_title.clone(),
            attendee_id: booking.attendee_id,
            attendee_name: booking.attendee_name.as_str().to_owned(),
            attendee_email: booking
                .attendee_email
                .as_ref()
                .map(|e| e.as_str().to_owned()),
            status: booking.status.as_str().to_owned(),
            created_at: booking.created_at,
            cancelled_at: booking.cancelled_at,
        }
    }
}

impl TryFrom<BookingRecord> for Booking {
    type Error = StoreError;

    fn try_from(record: BookingRecord) -> Result<Self, StoreError> {
        Ok(Booking {
            id: record.id,
            event_id: record.event_id,
            event_zone: Zone::parse(&record.event_zone).map_err(corrupt)?,
            event_title: record.event_title,
            attendee_id: record.attendee_id,
            attendee_name: PersonName::parse(&record.attendee_name).map_err(corrupt)?,
            attendee_email: (record.attendee_email.as_deref())
                .map(Email::parse)
                .transpose()
                .map_err(corrupt)?,
            status: record.status.parse().map_err(corrupt)?,
            created_at: record.created_at,
            cancelled_at: record.cancelled_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booking() -> Booking {
        Booking {
            id: BookingId(7),
            event_id: EventId(3),
            event_zone: Zone::parse("Asia/Kolkata").unwrap(),
            event_title: "Rust meetup".into(),
            attendee_id: AttendeeId(5),
            attendee_name: PersonName::parse("Asha").unwrap(),
            attendee_email: Some(Email::parse("asha@example.com").unwrap()),
            status: boxoffice_domain::BookingStatus::Confirmed,
            created_at: "2030-01-01T00:00:00Z".parse().unwrap(),
            cancelled_at: None,
        }
    }

    #[test]
    fn a_booking_reads_back_as_it_was_recorded() {
        let booked = Booked {
            booking: booking(),
            cancel_token: SecretToken::generate(),
            render_zone: Some(Zone::parse("Europe/Paris").unwrap()),
        };
        let stored = Recorded::encode(&Ok(booked.clone())).unwrap();
        assert_eq!(Recorded::decode(&stored).unwrap(), Ok(booked));
    }

    #[test]
    fn a_refusal_reads_back_with_its_reason() {
        let refusal = BookingRefusal::NotBookable("the event has ended".into());
        let stored = Recorded::encode(&Err(refusal.clone())).unwrap();
        assert_eq!(Recorded::decode(&stored).unwrap(), Err(refusal));
        let full = Recorded::encode(&Err(BookingRefusal::EventFull)).unwrap();
        assert_eq!(
            Recorded::decode(&full).unwrap(),
            Err(BookingRefusal::EventFull)
        );
    }

    #[test]
    fn an_unreadable_record_is_corrupt_not_a_guess() {
        let err = Recorded::decode("{\"status\":201}").unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
    }
}
