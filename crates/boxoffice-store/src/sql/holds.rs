//! Seat holds: seats set aside for a few minutes, counted in `seats_booked` meanwhile.
//!
//! A hold takes its seats with the same conditional increment as a booking, so it counts
//! against the capacity with no other rule; `seats_held` says how many of the taken seats
//! are holds. Booking with a hold moves one seat from held to booked without touching the
//! counter; a hold that ends gives its remaining seats back like cancellations do, each to
//! the first in line if people wait.

use super::bookings::{EVENT_STATE, INSERT_BOOKING, attendee_of};
use super::waitlist::release_seat;
use super::{Pools, SKIP_LOCKED, Tx};
use crate::rows::{BookedSeat, EventState, SeatState};
use crate::{BookingFor, HoldEnded, SeatBooked, SeatReleased, StoreError};
use boxoffice_domain::{BookingId, BookingRefusal, EventId, HoldId, SeatHold, SecretHash};
use chrono::{DateTime, Utc};

/// Takes `$2` seats for a hold if the event has them free and takes bookings.
const TAKE_SEATS: &str = "UPDATE events SET seats_booked = seats_booked + $2, seats_held = seats_held + $2 \
     WHERE id = $1 AND status = 'scheduled' AND ends_at > $3 \
     AND (capacity IS NULL OR seats_booked + $2 <= capacity) \
     RETURNING title, owner_id, capacity, seats_booked";
const INSERT_HOLD: &str = "INSERT INTO seat_holds (event_id, seats, token_hash, created_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5) RETURNING id";
/// One seat of a live hold of this event, for a booking.
const USE_HELD_SEAT: &str = "UPDATE seat_holds SET seats = seats - 1 \
     WHERE token_hash = $1 AND event_id = $2 AND expires_at > $3 AND seats > 0 RETURNING id, seats";
/// A held seat becomes a booked one: the counter stays, the held count drops.
const BOOK_HELD_SEAT: &str = "UPDATE events SET seats_held = seats_held - 1 \
     WHERE id = $1 AND status = 'scheduled' AND ends_at > $2 \
     RETURNING title, owner_id, capacity, seats_booked, timezone";
const DELETE_USED_UP: &str = "DELETE FROM seat_holds WHERE id = $1 AND seats = 0";
const END_HOLD: &str = "DELETE FROM seat_holds WHERE id = $1 RETURNING event_id, seats";
const HOLD_BY_ID: &str =
    "SELECT id, event_id, seats, token_hash, created_at, expires_at FROM seat_holds WHERE id = $1";

#[derive(Debug, sqlx::FromRow)]
struct HoldRow {
    id: i64,
    event_id: i64,
    seats: i32,
    token_hash: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl HoldRow {
    fn into_hold(self) -> (SeatHold, SecretHash) {
        let hold = SeatHold {
            id: HoldId(self.id),
            event_id: EventId(self.event_id),
            seats: self.seats,
            created_at: self.created_at,
            expires_at: self.expires_at,
        };
        (hold, SecretHash(self.token_hash))
    }
}

impl Pools {
    /// A live hold and the hash of its token; `None` once it is used up, released or expired.
    pub(crate) async fn seat_hold(
        &self,
        id: HoldId,
        now: DateTime<Utc>,
    ) -> Result<Option<(SeatHold, SecretHash)>, StoreError> {
        let row: Option<HoldRow> = sqlx::query_as(HOLD_BY_ID)
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        Ok(row
            .map(HoldRow::into_hold)
            .filter(|(hold, _)| hold.expires_at > now && hold.seats > 0))
    }
}

/// Sets `seats` seats of an event aside until `expires_at`; the caller rolls back on a refusal.
pub(crate) async fn place_hold(
    tx: &mut Tx<'_>,
    event: EventId,
    seats: i32,
    token: &SecretHash,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Result<(SeatHold, crate::SeatsAfter), BookingRefusal>, StoreError> {
    let taken: Option<SeatState> = sqlx::query_as(TAKE_SEATS)
        .bind(event.0)
        .bind(seats)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(taken) = taken else {
        let state: Option<EventState> = sqlx::query_as(EVENT_STATE)
            .bind(event.0)
            .fetch_optional(&mut **tx)
            .await?;
        return Ok(Err(EventState::refusal(state, now)?));
    };
    let id: i64 = sqlx::query_scalar(INSERT_HOLD)
        .bind(event.0)
        .bind(seats)
        .bind(&token.0)
        .bind(now)
        .bind(expires_at)
        .fetch_one(&mut **tx)
        .await?;
    let hold = SeatHold {
        id: HoldId(id),
        event_id: event,
        seats,
        created_at: now,
        expires_at,
    };
    Ok(Ok((hold, taken.into_seats(event))))
}

/// Books one held seat for a person; the caller rolls back on a refusal.
pub(crate) async fn book_held_seat(
    tx: &mut Tx<'_>,
    event: EventId,
    who: &BookingFor,
    hold: &SecretHash,
    cancel_token: &SecretHash,
    now: DateTime<Utc>,
) -> Result<Result<SeatBooked, BookingRefusal>, StoreError> {
    let Some(attendee) = attendee_of(tx, who, now).await? else {
        return Ok(Err(BookingRefusal::AttendeeNotFound));
    };
    let used: Option<(i64, i32)> = sqlx::query_as(USE_HELD_SEAT)
        .bind(&hold.0)
        .bind(event.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some((hold_id, left)) = used else {
        return Ok(Err(BookingRefusal::HoldExpired));
    };
    let seat: Option<BookedSeat> = sqlx::query_as(BOOK_HELD_SEAT)
        .bind(event.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(seat) = seat else {
        let state: Option<EventState> = sqlx::query_as(EVENT_STATE)
            .bind(event.0)
            .fetch_optional(&mut **tx)
            .await?;
        return Ok(Err(EventState::refusal(state, now)?));
    };
    let inserted: Option<i64> = sqlx::query_scalar(INSERT_BOOKING)
        .bind(event.0)
        .bind(attendee.id)
        .bind(&cancel_token.0)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(id) = inserted else {
        return Ok(Err(BookingRefusal::AlreadyBooked));
    };
    if left == 0 {
        sqlx::query(DELETE_USED_UP)
            .bind(hold_id)
            .execute(&mut **tx)
            .await?;
    }
    seat.into_booked(BookingId(id), event, attendee, now)
        .map(Ok)
}

/// Ends a hold and gives its remaining seats back (to the waitlist first); `None` if it
/// was gone already.
pub(crate) async fn end_hold(
    tx: &mut Tx<'_>,
    id: HoldId,
    now: DateTime<Utc>,
) -> Result<Option<HoldEnded>, StoreError> {
    let ended: Option<(i64, i32)> = sqlx::query_as(END_HOLD)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some((event, seats)) = ended else {
        return Ok(None);
    };
    let event = EventId(event);
    sqlx::query("UPDATE events SET seats_held = seats_held - $2 WHERE id = $1")
        .bind(event.0)
        .bind(seats)
        .execute(&mut **tx)
        .await?;
    let mut promoted = Vec::new();
    let mut after = None;
    for _ in 0..seats {
        let SeatReleased {
            seats,
            promoted: to,
        } = release_seat(tx, event, now).await?;
        promoted.extend(to);
        after = Some(seats);
    }
    let seats = match after {
        Some(seats) => seats,
        None => {
            let state: SeatState = sqlx::query_as(
                "SELECT title, owner_id, capacity, seats_booked FROM events WHERE id = $1",
            )
            .bind(event.0)
            .fetch_one(&mut **tx)
            .await?;
            state.into_seats(event)
        }
    };
    Ok(Some(HoldEnded {
        hold: id,
        seats,
        promoted,
    }))
}

/// The hold that expired first, not taken by another process; locked until commit.
pub(crate) async fn next_expired_hold(
    tx: &mut Tx<'_>,
    now: DateTime<Utc>,
) -> Result<Option<HoldId>, StoreError> {
    let sql = format!(
        "SELECT id FROM seat_holds WHERE expires_at <= $1 ORDER BY expires_at, id LIMIT 1{SKIP_LOCKED}"
    );
    let id: Option<i64> = sqlx::query_scalar(&sql)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(id.map(HoldId))
}
