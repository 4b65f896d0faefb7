//! The batch writer's steps: the statements of `sql/`, run on a native connection.
//!
//! Each function mirrors the sqlx function of the same name in `sql/` and runs the same
//! statement text; only binding and reading rows differ. The whole database is locked by
//! the batch's `BEGIN IMMEDIATE`, so the row locks of the sqlx path have nothing to do here.

use crate::rows::{
    BookedSeat, BookingRow, EventState, IdempotencyRow, KnownAttendee, PENDING, RECORDED, SeatState,
};
use crate::sqlite::sql::{attendees, bookings, idempotency, outbox, waitlist};
use crate::{BookingFor, IdempotencyKey, KeyClaim, SeatBooked, SeatReleased, StoreError};
use boxoffice_domain::{
    AttendeeId, Booking, BookingId, BookingRefusal, DomainEvent, EventId, NewAttendee, SecretHash,
    SecretToken,
};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, Row, ToSql};

/// A timestamp written as sqlx writes it, so that both connections store, and compare,
/// the same text.
struct Ts(DateTime<Utc>);

impl ToSql for Ts {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let text = self.0.to_rfc3339_opts(SecondsFormat::AutoSi, false);
        Ok(ToSqlOutput::from(text))
    }
}

/// A stored timestamp: RFC 3339 as sqlx writes it, or `YYYY-MM-DD HH:MM:SS` as SQL scripts do.
fn timestamp(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%F %T%.f").map(|t| t.and_utc()))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {text:?}: {e}")))
}

/// The placeholders of `sql/`, by position.
const PLACEHOLDERS: [&str; 6] = ["$1", "$2", "$3", "$4", "$5", "$6"];

/// Runs `sql` (cached) with `$n` bound to `args[n - 1]`, reading each row with `read`.
fn query<T>(
    conn: &Connection,
    sql: &str,
    args: &[&dyn ToSql],
    mut read: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    for (name, arg) in PLACEHOLDERS.iter().zip(args) {
        // A placeholder that appears twice is one parameter: bind it by name.
        if let Some(index) = statement.parameter_index(name)? {
            statement.raw_bind_parameter(index, arg)?;
        }
    }
    let mut rows = statement.raw_query();
    let mut read_rows = Vec::new();
    // Every row is stepped through, so a statement with RETURNING runs to its end.
    while let Some(row) = rows.next()? {
        read_rows.push(read(row)?);
    }
    Ok(read_rows)
}

fn query_one<T>(
    conn: &Connection,
    sql: &str,
    args: &[&dyn ToSql],
    read: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    Ok(query(conn, sql, args, read)?.into_iter().next())
}

fn known_attendee(row: &Row<'_>) -> Result<KnownAttendee, StoreError> {
    Ok(KnownAttendee {
        id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
    })
}

fn seat_state(row: &Row<'_>) -> Result<SeatState, StoreError> {
    Ok(SeatState {
        title: row.get(0)?,
        owner_id: row.get(1)?,
        capacity: row.get(2)?,
        seats_booked: row.get(3)?,
    })
}

fn id(row: &Row<'_>) -> Result<i64, StoreError> {
    Ok(row.get(0)?)
}

/// As `sql::attendees::attendee_for`.
fn attendee_for(
    conn: &Connection,
    person: &NewAttendee,
    now: DateTime<Utc>,
) -> Result<KnownAttendee, StoreError> {
    let token = SecretToken::generate().hash();
    let email = person.email.as_ref().map(|e| e.as_str());
    let args: [&dyn ToSql; 6] = [
        &person.name.as_str(),
        &email,
        &person.phone.as_ref().map(|p| p.as_str()),
        &person.locale.as_str(),
        &token.0,
        &Ts(now),
    ];
    if let Some(id) = query_one(conn, attendees::INSERT_ATTENDEE, &args, id)? {
        return Ok(KnownAttendee {
            id,
            name: person.name.as_str().to_owned(),
            email: email.map(str::to_owned),
        });
    }
    let email = email.ok_or_else(|| {
        StoreError::Corrupt("an attendee without e-mail conflicted on insert".into())
    })?;
    query_one(
        conn,
        attendees::ATTENDEE_BY_EMAIL,
        &[&email],
        known_attendee,
    )?
    .ok_or_else(|| StoreError::Corrupt(format!("attendee {email} vanished on insert")))
}

/// As `sql::bookings::book_seat`.
pub(super) fn book_seat(
    conn: &Connection,
    event: EventId,
    who: &BookingFor,
    cancel_token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Result<SeatBooked, BookingRefusal>, StoreError> {
    let attendee = match who {
        BookingFor::Person(person) => attendee_for(conn, person, now)?,
        BookingFor::Attendee(id) => {
            match query_one(conn, bookings::KNOWN_ATTENDEE, &[&id.0], known_attendee)? {
                Some(attendee) => attendee,
                None => return Ok(Err(BookingRefusal::AttendeeNotFound)),
            }
        }
    };
    let seat = query_one(conn, bookings::TAKE_SEAT, &[&event.0, &Ts(now)], |row| {
        Ok(BookedSeat {
            seat: seat_state(row)?,
            timezone: row.get(4)?,
        })
    })?;
    let Some(seat) = seat else {
        let proven = matches!(who, BookingFor::Attendee(_));
        let refusal = refusal_for(conn, event, AttendeeId(attendee.id), proven, now)?;
        return Ok(Err(refusal));
    };
    let args: [&dyn ToSql; 4] = [&event.0, &attendee.id, &cancel_token.0, &Ts(now)];
    let Some(id) = query_one(conn, bookings::INSERT_BOOKING, &args, id)? else {
        return Ok(Err(BookingRefusal::AlreadyBooked));
    };
    seat.into_booked(BookingId(id), event, attendee, now)
        .map(Ok)
}

/// As `sql::bookings::refusal_for`.
fn refusal_for(
    conn: &Connection,
    event: EventId,
    attendee: AttendeeId,
    proven: bool,
    now: DateTime<Utc>,
) -> Result<BookingRefusal, StoreError> {
    let state = query_one(conn, bookings::EVENT_STATE, &[&event.0], |row| {
        Ok(EventState {
            status: row.get(0)?,
            ends_at: timestamp(&row.get::<_, String>(1)?)?,
        })
    })?;
    let closed = EventState::refusal(state, now)?;
    if !proven || closed == BookingRefusal::EventNotFound {
        return Ok(closed);
    }
    let active = query_one(conn, bookings::ACTIVE_BOOKING, &[&event.0, &attendee.0], id)?;
    Ok(if active.is_some() {
        BookingRefusal::AlreadyBooked
    } else {
        closed
    })
}

/// As `sql::bookings::cancel_booking`.
pub(super) fn cancel_booking(
    conn: &Connection,
    id: BookingId,
    now: DateTime<Utc>,
) -> Result<Option<SeatReleased>, StoreError> {
    let cancelled = query_one(conn, bookings::CANCEL_BOOKING, &[&Ts(now), &id.0], self::id)?;
    let Some(event) = cancelled else {
        return Ok(None);
    };
    release_seat(conn, EventId(event), now).map(Some)
}

/// As `sql::waitlist::release_seat`.
fn release_seat(
    conn: &Connection,
    event: EventId,
    now: DateTime<Utc>,
) -> Result<SeatReleased, StoreError> {
    loop {
        if let Some(seat) = query_one(conn, waitlist::FREE_SEAT, &[&event.0], seat_state)? {
            let seats = seat.into_seats(event);
            return Ok(SeatReleased {
                seats,
                promoted: None,
            });
        }
        let first = query_one(conn, waitlist::FIRST_IN_LINE, &[&event.0], |row| {
            let entry: i64 = row.get(0)?;
            let attendee = KnownAttendee {
                id: row.get(1)?,
                name: row.get(2)?,
                email: row.get(3)?,
            };
            Ok((entry, attendee))
        })?;
        let Some((entry, attendee)) = first else {
            tracing::warn!(event.id = %event, "waitlist count without a waiting row; put right");
            query(conn, waitlist::EMPTY_LINE, &[&event.0], |_| Ok(()))?;
            continue;
        };
        let token = SecretToken::generate().hash();
        let args: [&dyn ToSql; 4] = [&event.0, &attendee.id, &token.0, &Ts(now)];
        let booked = query_one(conn, bookings::INSERT_BOOKING, &args, id)?;
        let status = if booked.is_some() { "promoted" } else { "left" };
        let args: [&dyn ToSql; 4] = [&entry, &status, &booked, &Ts(now)];
        query(conn, waitlist::END_PLACE, &args, |_| Ok(()))?;
        let seat = query_one(conn, waitlist::SHORTEN_LINE, &[&event.0], |row| {
            Ok(BookedSeat {
                seat: seat_state(row)?,
                timezone: row.get(4)?,
            })
        })?
        .ok_or_else(|| StoreError::Corrupt(format!("waitlist of no event {event}")))?;
        if let Some(id) = booked {
            let promoted = seat.into_booked(BookingId(id), event, attendee, now)?;
            return Ok(SeatReleased {
                seats: promoted.seats.clone(),
                promoted: Some(promoted),
            });
        }
    }
}

/// As `sql::bookings::booking_in`.
pub(super) fn booking(conn: &Connection, id: BookingId) -> Result<Option<Booking>, StoreError> {
    let row = query_one(conn, bookings::BOOKING_BY_ID, &[&id.0], |row| {
        let cancelled_at: Option<String> = row.get(10)?;
        Ok(BookingRow {
            id: row.get(0)?,
            event_id: row.get(1)?,
            event_timezone: row.get(2)?,
            event_title: row.get(3)?,
            attendee_id: row.get(4)?,
            attendee_name: row.get(5)?,
            attendee_email: row.get(6)?,
            status: row.get(7)?,
            cancel_token_hash: row.get(8)?,
            created_at: timestamp(&row.get::<_, String>(9)?)?,
            cancelled_at: cancelled_at.as_deref().map(timestamp).transpose()?,
        })
    })?;
    Ok(row
        .map(BookingRow::into_booking)
        .transpose()?
        .map(|(b, _)| b))
}

/// As `sql::outbox::record`.
pub(super) fn record(conn: &Connection, change: &DomainEvent) -> Result<(), StoreError> {
    let payload = outbox::payload_of(change)?;
    let args: [&dyn ToSql; 4] = [
        &change.id,
        &change.kind.as_str(),
        &payload,
        &Ts(change.occurred_at),
    ];
    query(conn, outbox::INSERT_OUTBOX, &args, |_| Ok(()))?;
    Ok(())
}

/// As `sql::idempotency::claim_key`.
pub(super) fn claim_key(
    conn: &Connection,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> Result<KeyClaim, StoreError> {
    let args: [&dyn ToSql; 5] = [
        &key.scope,
        &key.key_hash,
        &key.request_hash,
        &PENDING,
        &Ts(now),
    ];
    if query_one(conn, idempotency::CLAIM_KEY, &args, id)?.is_some() {
        return Ok(KeyClaim::Fresh);
    }
    let row = query_one(
        conn,
        idempotency::READ_KEY,
        &[&key.scope, &key.key_hash],
        |row| {
            Ok(IdempotencyRow {
                request_hash: row.get(0)?,
                status_code: row.get(1)?,
                response_body: row.get(2)?,
            })
        },
    )?;
    row.ok_or_else(|| StoreError::Corrupt(format!("idempotency key of {} vanished", key.scope)))?
        .into_claim(key)
}

/// As `sql::idempotency::record_outcome`.
pub(super) fn record_outcome(
    conn: &Connection,
    key: &IdempotencyKey,
    outcome: &str,
) -> Result<(), StoreError> {
    let args: [&dyn ToSql; 4] = [&RECORDED, &outcome, &key.scope, &key.key_hash];
    query(conn, idempotency::RECORD_OUTCOME, &args, |_| Ok(()))?;
    Ok(())
}
