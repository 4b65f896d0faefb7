//! Waitlists: the line of people waiting for a seat of a full event.
//!
//! The line's length is kept on the event row (`waitlist_size`), next to the seat counter,
//! and changes only with the event row locked. Freeing a seat is a conditional update that
//! matches only when nobody waits; otherwise the seat goes straight to the first in line.

use super::attendees::attendee_for;
use super::bookings::{ACTIVE_BOOKING, EVENT_STATE, INSERT_BOOKING};
use super::{Pools, Tx, page_of};
use crate::rows::{BookedSeat, EventState, SeatState};
use crate::waitlist::{WaitingRow, WaitlistRow};
use crate::{SeatReleased, StoreError, Waiting};
use boxoffice_domain::{
    BookingId, BookingRefusal, EventId, NewAttendee, Page, PageRequest, SecretHash, SecretToken,
    WaitlistEntry, WaitlistEntryId, WaitlistRefusal,
};
use chrono::{DateTime, Utc};

/// Gives one seat back, unless someone waits for it (and the event still takes bookings).
pub(crate) const FREE_SEAT: &str = "UPDATE events SET seats_booked = seats_booked - 1 \
     WHERE id = $1 AND (waitlist_size = 0 OR status <> 'scheduled') \
     RETURNING title, owner_id, capacity, seats_booked";
/// The first in line, with what their booking needs.
pub(crate) const FIRST_IN_LINE: &str = "SELECT w.id AS entry_id, a.id, a.name, a.email \
     FROM waitlist w JOIN attendees a ON a.id = w.attendee_id \
     WHERE w.event_id = $1 AND w.status = 'waiting' ORDER BY w.id LIMIT 1";
/// Takes a place out of the line: `promoted` with its booking, or `left`.
pub(crate) const END_PLACE: &str =
    "UPDATE waitlist SET status = $2, booking_id = $3, updated_at = $4 WHERE id = $1";
/// One fewer in line; the event as the seat it kept left it.
pub(crate) const SHORTEN_LINE: &str = "UPDATE events SET waitlist_size = waitlist_size - 1 \
     WHERE id = $1 RETURNING title, owner_id, capacity, seats_booked, timezone";
/// A count that says people wait when nobody does (rows gone by a cascade) is put right.
pub(crate) const EMPTY_LINE: &str = "UPDATE events SET waitlist_size = 0 WHERE id = $1";
/// One more in line, only for a full event that takes bookings; locks the event row.
const LENGTHEN_LINE: &str = "UPDATE events SET waitlist_size = waitlist_size + 1 \
     WHERE id = $1 AND status = 'scheduled' AND ends_at > $2 \
     AND capacity IS NOT NULL AND seats_booked >= capacity RETURNING waitlist_size";
const INSERT_PLACE: &str = "INSERT INTO waitlist (event_id, attendee_id, status, token_hash, created_at, updated_at) \
     VALUES ($1, $2, 'waiting', $3, $4, $4) ON CONFLICT DO NOTHING RETURNING id";
const LEAVE: &str = "UPDATE waitlist SET status = 'left', updated_at = $2 \
     WHERE id = $1 AND status = 'waiting' RETURNING event_id";

/// The columns of a `WaitlistRow`; `position` counts the waiting places up to this one.
macro_rules! place_columns {
    () => {
        "SELECT w.id, w.event_id, e.timezone AS event_timezone, w.attendee_id, a.name AS attendee_name, a.email AS attendee_email, \
         w.status, w.token_hash, w.booking_id, w.created_at, w.updated_at, \
         CASE WHEN w.status = 'waiting' THEN (SELECT count(*) FROM waitlist o \
              WHERE o.event_id = w.event_id AND o.status = 'waiting' AND o.id <= w.id) END AS position \
         FROM waitlist w JOIN attendees a ON a.id = w.attendee_id JOIN events e ON e.id = w.event_id"
    };
}
const PLACE_BY_ID: &str = concat!(place_columns!(), " WHERE w.id = $1");
const LINE: &str = concat!(
    place_columns!(),
    " WHERE w.event_id = $1 AND w.status = 'waiting' ORDER BY w.id LIMIT $2 OFFSET $3"
);

impl Pools {
    /// A place in line and the hash of its token.
    pub(crate) async fn waitlist_entry(
        &self,
        id: WaitlistEntryId,
    ) -> Result<Option<(WaitlistEntry, SecretHash)>, StoreError> {
        let row: Option<WaitlistRow> = sqlx::query_as(PLACE_BY_ID)
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        row.map(WaitlistRow::into_entry).transpose()
    }

    /// The people waiting for an event, first in line first.
    pub(crate) async fn waitlist(
        &self,
        event: EventId,
        page: PageRequest,
    ) -> Result<Page<WaitlistEntry>, StoreError> {
        let total: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM waitlist WHERE event_id = $1 AND status = 'waiting'",
        )
        .bind(event.0)
        .fetch_one(self.reader())
        .await?;
        let rows: Vec<WaitlistRow> = sqlx::query_as(LINE)
            .bind(event.0)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(self.reader())
            .await?;
        let items = rows
            .into_iter()
            .map(|row| row.into_entry().map(|(entry, _)| entry))
            .collect::<Result<_, _>>()?;
        Ok(page_of(items, total, page))
    }
}

/// Gives a seat of `event` back: frees it if nobody waits, else books it for the first in
/// line. The caller holds the event row lock (it cancelled a booking of the event).
pub(crate) async fn release_seat(
    tx: &mut Tx<'_>,
    event: EventId,
    now: DateTime<Utc>,
) -> Result<SeatReleased, StoreError> {
    loop {
        let freed: Option<SeatState> = sqlx::query_as(FREE_SEAT)
            .bind(event.0)
            .fetch_optional(&mut **tx)
            .await?;
        if let Some(seat) = freed {
            let seats = seat.into_seats(event);
            return Ok(SeatReleased {
                seats,
                promoted: None,
            });
        }
        let first: Option<WaitingRow> = sqlx::query_as(FIRST_IN_LINE)
            .bind(event.0)
            .fetch_optional(&mut **tx)
            .await?;
        let Some(first) = first else {
            tracing::warn!(event.id = %event, "waitlist count without a waiting row; put right");
            sqlx::query(EMPTY_LINE)
                .bind(event.0)
                .execute(&mut **tx)
                .await?;
            continue;
        };
        // The promoted person manages the booking with their attendee token or a sign-in
        // link; nobody is shown this cancel token.
        let token = SecretToken::generate().hash();
        let booked: Option<i64> = sqlx::query_scalar(INSERT_BOOKING)
            .bind(event.0)
            .bind(first.attendee.id)
            .bind(&token.0)
            .bind(now)
            .fetch_optional(&mut **tx)
            .await?;
        let status = if booked.is_some() { "promoted" } else { "left" };
        sqlx::query(END_PLACE)
            .bind(first.entry_id)
            .bind(status)
            .bind(booked)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        let seat: BookedSeat = sqlx::query_as(SHORTEN_LINE)
            .bind(event.0)
            .fetch_one(&mut **tx)
            .await?;
        // Someone who holds a seat already leaves the line; the seat goes to the next.
        if let Some(id) = booked {
            let promoted = seat.into_booked(BookingId(id), event, first.attendee, now)?;
            return Ok(SeatReleased {
                seats: promoted.seats.clone(),
                promoted: Some(promoted),
            });
        }
    }
}

/// Puts a person at the end of a full event's line; the caller rolls back on a refusal.
pub(crate) async fn join_waitlist(
    tx: &mut Tx<'_>,
    event: EventId,
    person: &NewAttendee,
    token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Result<Waiting, WaitlistRefusal>, StoreError> {
    let attendee = attendee_for(tx, person, now).await?;
    let position: Option<i32> = sqlx::query_scalar(LENGTHEN_LINE)
        .bind(event.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(position) = position else {
        let state: Option<EventState> = sqlx::query_as(EVENT_STATE)
            .bind(event.0)
            .fetch_optional(&mut **tx)
            .await?;
        return Ok(Err(match EventState::refusal(state, now)? {
            BookingRefusal::EventNotFound => WaitlistRefusal::EventNotFound,
            BookingRefusal::NotBookable(reason) => WaitlistRefusal::NotBookable(reason),
            _ => WaitlistRefusal::SeatsAvailable,
        }));
    };
    let active: Option<i64> = sqlx::query_scalar(ACTIVE_BOOKING)
        .bind(event.0)
        .bind(attendee.id)
        .fetch_optional(&mut **tx)
        .await?;
    if active.is_some() {
        return Ok(Err(WaitlistRefusal::AlreadyBooked));
    }
    let id: Option<i64> = sqlx::query_scalar(INSERT_PLACE)
        .bind(event.0)
        .bind(attendee.id)
        .bind(&token.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(id) = id else {
        return Ok(Err(WaitlistRefusal::AlreadyWaiting));
    };
    Ok(Ok(Waiting {
        id: WaitlistEntryId(id),
        attendee: boxoffice_domain::AttendeeId(attendee.id),
        position: i64::from(position),
    }))
}

/// Takes a person out of the line; `false` if they were not waiting (left, promoted, unknown).
pub(crate) async fn leave_waitlist(
    tx: &mut Tx<'_>,
    id: WaitlistEntryId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    // The event row first, as everything that changes the line locks it first.
    let lock = format!(
        "SELECT id FROM events WHERE id = (SELECT event_id FROM waitlist WHERE id = $1){}",
        super::FOR_UPDATE
    );
    sqlx::query(&lock).bind(id.0).execute(&mut **tx).await?;
    let event: Option<i64> = sqlx::query_scalar(LEAVE)
        .bind(id.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(event) = event else {
        return Ok(false);
    };
    sqlx::query("UPDATE events SET waitlist_size = waitlist_size - 1 WHERE id = $1")
        .bind(event)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Seats freed by a larger capacity go to the people waiting, first in line first.
pub(crate) async fn promote_to_free_seats(
    tx: &mut Tx<'_>,
    event: EventId,
    now: DateTime<Utc>,
) -> Result<Vec<SeatReleased>, StoreError> {
    let mut promoted = Vec::new();
    loop {
        // Take a seat as a booking would, then hand it over as a cancellation does.
        let taken = sqlx::query(
            "UPDATE events SET seats_booked = seats_booked + 1 WHERE id = $1 AND waitlist_size > 0 \
             AND (capacity IS NULL OR seats_booked < capacity) AND status = 'scheduled'",
        )
        .bind(event.0)
        .execute(&mut **tx)
        .await?;
        if taken.rows_affected() == 0 {
            return Ok(promoted);
        }
        let released = release_seat(tx, event, now).await?;
        if released.promoted.is_none() {
            return Ok(promoted);
        }
        promoted.push(released);
    }
}
