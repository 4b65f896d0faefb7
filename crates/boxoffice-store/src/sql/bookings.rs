//! Bookings: one seat of one event for one attendee, decided by the database.

use super::attendees::attendee_for;
use super::waitlist::release_seat;
use super::{Db, FOR_UPDATE, Pools, Tx, page_of};
use crate::rows::{BookedSeat, BookingRow, EventState, KnownAttendee};
use crate::{BookingFilter, BookingFor, SeatBooked, SeatReleased, StoreError};
use boxoffice_domain::{
    AttendeeId, Booking, BookingId, BookingRefusal, EventId, Page, PageRequest, SecretHash,
};
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

/// The columns of a `BookingRow`, as a literal so that the statements built on it are constants.
macro_rules! booking_columns {
    () => {
        "SELECT b.id, b.event_id, e.timezone AS event_timezone, e.title AS event_title, b.attendee_id, a.name AS attendee_name, \
         a.email AS attendee_email, b.status, b.cancel_token_hash, b.created_at, b.cancelled_at \
         FROM bookings b JOIN attendees a ON a.id = b.attendee_id JOIN events e ON e.id = b.event_id"
    };
}

// The statements of booking and cancelling, shared with the SQLite batch writer
// (`batch/native.rs`), which runs the same text on its own connection.

const BOOKING_COLUMNS: &str = booking_columns!();
/// A booking by id, with what its rendering needs.
pub(crate) const BOOKING_BY_ID: &str = concat!(booking_columns!(), " WHERE b.id = $1");
/// A known attendee, as far as a booking needs to know.
pub(crate) const KNOWN_ATTENDEE: &str = "SELECT id, name, email FROM attendees WHERE id = $1";
/// Counts a seat if the event has one and takes bookings (a NULL capacity is no limit).
pub(crate) const TAKE_SEAT: &str = "UPDATE events SET seats_booked = seats_booked + 1 \
     WHERE id = $1 AND (capacity IS NULL OR seats_booked < capacity) AND status = 'scheduled' AND ends_at > $2 \
     RETURNING title, owner_id, capacity, seats_booked, timezone";
/// The booking row; nothing where the partial unique index holds an active one already.
pub(crate) const INSERT_BOOKING: &str = "INSERT INTO bookings (event_id, attendee_id, status, cancel_token_hash, created_at) \
     VALUES ($1, $2, 'confirmed', $3, $4) ON CONFLICT DO NOTHING RETURNING id";
/// What tells a full event from a closed one.
pub(crate) const EVENT_STATE: &str = "SELECT status, ends_at FROM events WHERE id = $1";
/// An attendee's active booking of an event.
pub(crate) const ACTIVE_BOOKING: &str =
    "SELECT id FROM bookings WHERE event_id = $1 AND attendee_id = $2 AND status = 'confirmed'";
/// Only the transition confirmed -> cancelled frees a seat, and only before the door: a
/// booking checked in stays confirmed (its seat was used).
pub(crate) const CANCEL_BOOKING: &str = "UPDATE bookings SET status = 'cancelled', cancelled_at = $1 \
     WHERE id = $2 AND status = 'confirmed' \
     AND NOT EXISTS (SELECT 1 FROM check_ins WHERE booking_id = $2) RETURNING event_id";

impl Pools {
    pub(crate) async fn get_booking(
        &self,
        id: BookingId,
    ) -> Result<Option<(Booking, SecretHash)>, StoreError> {
        let row: Option<BookingRow> = sqlx::query_as(BOOKING_BY_ID)
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        row.map(BookingRow::into_booking).transpose()
    }

    pub(crate) async fn list_bookings(
        &self,
        filter: &BookingFilter,
        page: PageRequest,
    ) -> Result<Page<Booking>, StoreError> {
        let push_filter = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(" WHERE 1 = 1");
            if let Some(attendee) = filter.attendee {
                qb.push(" AND b.attendee_id = ").push_bind(attendee.0);
            }
            if let Some(event) = filter.event {
                qb.push(" AND b.event_id = ").push_bind(event.0);
            }
        };
        let mut count = QueryBuilder::<Db>::new("SELECT count(*) FROM bookings b");
        push_filter(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(self.reader()).await?;
        let mut select = QueryBuilder::<Db>::new(BOOKING_COLUMNS);
        push_filter(&mut select);
        select
            .push(" ORDER BY b.id LIMIT ")
            .push_bind(page.limit())
            .push(" OFFSET ")
            .push_bind(page.offset());
        let rows: Vec<BookingRow> = select.build_query_as().fetch_all(self.reader()).await?;
        let items = rows
            .into_iter()
            .map(|r| r.into_booking().map(|(b, _)| b))
            .collect::<Result<_, _>>()?;
        Ok(page_of(items, total, page))
    }
}

/// Locks the event a booking belongs to (if the booking exists).
///
/// Booking locks the event row (the seat update) before the booking index (the insert), so
/// everything else that touches both takes them in that order too: a cancellation racing a
/// new booking by the same person then queues instead of deadlocking.
pub(super) async fn lock_event_of_booking(
    tx: &mut Tx<'_>,
    id: BookingId,
) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT id FROM events WHERE id = (SELECT event_id FROM bookings WHERE id = $1){FOR_UPDATE}"
    );
    sqlx::query(&sql).bind(id.0).execute(&mut **tx).await?;
    Ok(())
}

/// Cancels a confirmed booking and gives its seat back (to the first in line, if anyone
/// waits); `None` if it is not confirmed (or does not exist), so a repeated cancellation
/// changes nothing.
pub(crate) async fn cancel_booking(
    tx: &mut Tx<'_>,
    id: BookingId,
    now: DateTime<Utc>,
) -> Result<Option<SeatReleased>, StoreError> {
    lock_event_of_booking(tx, id).await?;
    let cancelled: Option<i64> = sqlx::query_scalar(CANCEL_BOOKING)
        .bind(now)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(event_id) = cancelled else {
        return Ok(None);
    };
    release_seat(tx, EventId(event_id), now).await.map(Some)
}

/// A booking as the transaction sees it.
pub(crate) async fn booking_in(
    tx: &mut Tx<'_>,
    id: BookingId,
) -> Result<Option<Booking>, StoreError> {
    let row: Option<BookingRow> = sqlx::query_as(BOOKING_BY_ID)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row
        .map(BookingRow::into_booking)
        .transpose()?
        .map(|(b, _)| b))
}

/// The booking itself. Every decision is made by the database: the conditional
/// increment refuses a full or unbookable event, and the partial unique index
/// refuses a second active booking. The common case takes four statements.
pub(crate) async fn book_seat(
    tx: &mut Tx<'_>,
    event: EventId,
    who: &BookingFor,
    cancel_token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Result<SeatBooked, BookingRefusal>, StoreError> {
    let Some(attendee) = attendee_of(tx, who, now).await? else {
        return Ok(Err(BookingRefusal::AttendeeNotFound));
    };
    let seat: Option<BookedSeat> = sqlx::query_as(TAKE_SEAT)
        .bind(event.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(seat) = seat else {
        // Only a caller who proved who the attendee is may learn that they hold a seat.
        let proven = matches!(who, BookingFor::Attendee(_));
        let refusal = refusal_for(tx, event, AttendeeId(attendee.id), proven, now).await?;
        return Ok(Err(refusal));
    };
    let inserted: Option<i64> = sqlx::query_scalar(INSERT_BOOKING)
        .bind(event.0)
        .bind(attendee.id)
        .bind(&cancel_token.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    // The partial unique index refused a second active booking; the caller rolls the seat back.
    let Some(id) = inserted else {
        return Ok(Err(BookingRefusal::AlreadyBooked));
    };
    seat.into_booked(BookingId(id), event, attendee, now)
        .map(Ok)
}

/// The attendee a booking is for: registered on the fly for a person, looked up by id
/// (`None` if unknown) otherwise.
pub(super) async fn attendee_of(
    tx: &mut Tx<'_>,
    who: &BookingFor,
    now: DateTime<Utc>,
) -> Result<Option<KnownAttendee>, StoreError> {
    match who {
        BookingFor::Person(person) => attendee_for(tx, person, now).await.map(Some),
        BookingFor::Attendee(id) => Ok(sqlx::query_as(KNOWN_ATTENDEE)
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await?),
    }
}

/// Why the conditional increment matched no row.
///
/// For a caller who proved who the attendee is (attendee token, admin), holding a seat
/// already is said first, even if the event is also full. Someone who merely typed an
/// e-mail address hears why the event takes no booking instead: a full or closed event
/// must not tell strangers whether that address holds a seat.
async fn refusal_for(
    tx: &mut Tx<'_>,
    event: EventId,
    attendee: AttendeeId,
    proven: bool,
    now: DateTime<Utc>,
) -> Result<BookingRefusal, StoreError> {
    let state: Option<EventState> = sqlx::query_as(EVENT_STATE)
        .bind(event.0)
        .fetch_optional(&mut **tx)
        .await?;
    let closed = EventState::refusal(state, now)?;
    if !proven || closed == BookingRefusal::EventNotFound {
        return Ok(closed);
    }
    let active: Option<i64> = sqlx::query_scalar(ACTIVE_BOOKING)
        .bind(event.0)
        .bind(attendee.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(if active.is_some() {
        BookingRefusal::AlreadyBooked
    } else {
        closed
    })
}
