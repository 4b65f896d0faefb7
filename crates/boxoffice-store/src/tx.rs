//! A write transaction on either backend: the unit a use case composes store functions in.
//!
//! Each method runs one backend's SQL (from `sql/`) in the open transaction. Dropping a
//! `WriteTx` without committing rolls it back.

use crate::{
    BookingFor, HoldEnded, IdempotencyKey, KeyClaim, SeatBooked, SeatReleased, SeatsAfter,
    StoreError, Waiting,
};
use boxoffice_domain::{
    Attachment, Attendee, AttendeeId, Booking, BookingId, BookingRefusal, DomainEvent, Event,
    EventId, HoldId, NewAttendee, NewEvent, SeatHold, SecretHash, UserId, WaitlistEntryId,
    WaitlistRefusal,
};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Sqlite, Transaction};
use std::sync::Arc;
use tokio::sync::Notify;

/// The savepoint a use case may roll back to while keeping the rest of its transaction.
const SAVEPOINT: &str = "use_case_attempt";

/// An open write transaction.
#[derive(Debug)]
pub struct WriteTx {
    inner: Inner,
    /// Woken on commit if the transaction appended to the outbox.
    outbox_signal: Arc<Notify>,
    wrote_outbox: bool,
}

#[derive(Debug)]
enum Inner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same call on whichever backend the transaction belongs to, with that
/// backend's `sql` modules in scope.
macro_rules! on_tx {
    ($self:ident, $tx:ident => $call:expr) => {
        match &mut $self.inner {
            Inner::Sqlite($tx) => {
                #[allow(unused_imports)]
                use crate::sqlite::sql::*;
                $call
            }
            Inner::Postgres($tx) => {
                #[allow(unused_imports)]
                use crate::postgres::sql::*;
                $call
            }
        }
    };
}

impl WriteTx {
    pub(crate) fn sqlite(tx: Transaction<'static, Sqlite>, signal: &Arc<Notify>) -> Self {
        Self::new(Inner::Sqlite(tx), signal)
    }

    pub(crate) fn postgres(tx: Transaction<'static, Postgres>, signal: &Arc<Notify>) -> Self {
        Self::new(Inner::Postgres(tx), signal)
    }

    fn new(inner: Inner, signal: &Arc<Notify>) -> Self {
        WriteTx {
            inner,
            outbox_signal: signal.clone(),
            wrote_outbox: false,
        }
    }

    /// Commits, then wakes this process's outbox relay if a domain event was recorded.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            Inner::Sqlite(tx) => tx.commit().await?,
            Inner::Postgres(tx) => tx.commit().await?,
        }
        if self.wrote_outbox {
            self.outbox_signal.notify_one();
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            Inner::Sqlite(tx) => tx.rollback().await?,
            Inner::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }

    /// Marks a point [`WriteTx::rollback_to_savepoint`] can return to (one at a time).
    pub async fn savepoint(&mut self) -> Result<(), StoreError> {
        let sql = format!("SAVEPOINT {SAVEPOINT}");
        on_tx!(self, tx => sqlx::query(&sql).execute(&mut **tx).await.map(drop))?;
        Ok(())
    }

    /// Undoes everything since [`WriteTx::savepoint`], keeping what came before.
    pub async fn rollback_to_savepoint(&mut self) -> Result<(), StoreError> {
        let sql = format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}");
        on_tx!(self, tx => sqlx::query(&sql).execute(&mut **tx).await.map(drop))?;
        Ok(())
    }

    /// Runs statements without parameters (savepoints of the batches), in one round trip.
    pub(crate) async fn execute(&mut self, statements: &'static str) -> Result<(), StoreError> {
        // Without arguments, the text goes as a simple query, which may hold several
        // statements. (Not `sqlx::raw_sql`: its future cannot be proven `Send` when spawned.)
        on_tx!(self, tx => sqlx::Executor::execute(&mut **tx, statements).await.map(drop))?;
        Ok(())
    }

    /// Appends a domain event to the outbox; it is published once the transaction commits.
    pub async fn record(&mut self, change: &DomainEvent) -> Result<(), StoreError> {
        on_tx!(self, tx => outbox::record(tx, change).await)?;
        self.wrote_outbox = true;
        Ok(())
    }

    /// Takes an idempotency key for this transaction, or tells what its first use produced.
    pub async fn claim_key(
        &mut self,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim, StoreError> {
        on_tx!(self, tx => idempotency::claim_key(tx, key, now).await)
    }

    /// Stores the (serialized) outcome of the request holding `key`.
    pub async fn record_outcome(
        &mut self,
        key: &IdempotencyKey,
        outcome: &str,
    ) -> Result<(), StoreError> {
        on_tx!(self, tx => idempotency::record_outcome(tx, key, outcome).await)
    }

    /// Books one seat, or says why not. The database decides: a conditional increment
    /// refuses a full or closed event, a partial unique index a second active booking.
    /// On a refusal the caller rolls back (the seat may have been counted).
    pub async fn book_seat(
        &mut self,
        event: EventId,
        who: &BookingFor,
        cancel_token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Result<SeatBooked, BookingRefusal>, StoreError> {
        on_tx!(self, tx => bookings::book_seat(tx, event, who, cancel_token, now).await)
    }

    /// Cancels a confirmed booking, giving its seat back (to the first in line, if anyone
    /// waits for the event); `None` if it was not confirmed.
    pub async fn cancel_booking(
        &mut self,
        id: BookingId,
        now: DateTime<Utc>,
    ) -> Result<Option<SeatReleased>, StoreError> {
        on_tx!(self, tx => bookings::cancel_booking(tx, id, now).await)
    }

    /// Sets seats of an event aside until `expires_at`, counted like booked ones meanwhile.
    /// On a refusal the caller rolls back.
    pub async fn place_hold(
        &mut self,
        event: EventId,
        seats: i32,
        token: &SecretHash,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Result<(SeatHold, SeatsAfter), BookingRefusal>, StoreError> {
        on_tx!(self, tx => holds::place_hold(tx, event, seats, token, now, expires_at).await)
    }

    /// Books one seat of the live hold whose token hashes to `hold`. On a refusal the
    /// caller rolls back.
    pub async fn book_held_seat(
        &mut self,
        event: EventId,
        who: &BookingFor,
        hold: &SecretHash,
        cancel_token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Result<SeatBooked, BookingRefusal>, StoreError> {
        on_tx!(self, tx => holds::book_held_seat(tx, event, who, hold, cancel_token, now).await)
    }

    /// Ends a hold, giving its seats back (to the waitlist first); `None` if it was gone.
    pub async fn end_hold(
        &mut self,
        id: HoldId,
        now: DateTime<Utc>,
    ) -> Result<Option<HoldEnded>, StoreError> {
        on_tx!(self, tx => holds::end_hold(tx, id, now).await)
    }

    /// The hold that expired first and that no other process is ending; locked until commit.
    pub async fn next_expired_hold(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<Option<HoldId>, StoreError> {
        on_tx!(self, tx => holds::next_expired_hold(tx, now).await)
    }

    /// Puts a person at the end of a full event's line. On a refusal the caller rolls back
    /// (the attendee may have been registered, the line lengthened).
    pub async fn join_waitlist(
        &mut self,
        event: EventId,
        person: &NewAttendee,
        token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Result<Waiting, WaitlistRefusal>, StoreError> {
        on_tx!(self, tx => waitlist::join_waitlist(tx, event, person, token, now).await)
    }

    /// Takes a person out of a line; `false` if they were not waiting.
    pub async fn leave_waitlist(
        &mut self,
        id: WaitlistEntryId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_tx!(self, tx => waitlist::leave_waitlist(tx, id, now).await)
    }

    /// Books the seats a larger capacity freed for the people waiting, first in line first.
    pub async fn promote_to_free_seats(
        &mut self,
        event: EventId,
        now: DateTime<Utc>,
    ) -> Result<Vec<SeatReleased>, StoreError> {
        on_tx!(self, tx => waitlist::promote_to_free_seats(tx, event, now).await)
    }

    /// Admits a booking to `event` once, or says why not (see `sql/tickets.rs`).
    pub async fn check_in(
        &mut self,
        event: EventId,
        booking: BookingId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<crate::CheckInOutcome, StoreError> {
        on_tx!(self, tx => tickets::check_in(tx, event, booking, by, now).await)
    }

    /// A booking as this transaction sees it.
    pub async fn booking(&mut self, id: BookingId) -> Result<Option<Booking>, StoreError> {
        on_tx!(self, tx => bookings::booking_in(tx, id).await)
    }

    /// An event as this transaction sees it; with `lock`, held until commit.
    pub async fn event(&mut self, id: EventId, lock: bool) -> Result<Option<Event>, StoreError> {
        on_tx!(self, tx => events::event_in(tx, id, lock).await)
    }

    /// Inserts an event with its tags and reads it back.
    pub async fn insert_event(
        &mut self,
        event: &NewEvent,
        owner: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<Event, StoreError> {
        on_tx!(self, tx => events::insert_event(tx, event, owner, now).await)
    }

    /// Replaces an event's content and reads it back; `None` if it is gone.
    pub async fn update_event(
        &mut self,
        id: EventId,
        content: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<Option<Event>, StoreError> {
        on_tx!(self, tx => events::update_event(tx, id, content, now).await)
    }

    /// Deletes an event with everything that hangs on it.
    pub async fn delete_event(&mut self, id: EventId) -> Result<(), StoreError> {
        on_tx!(self, tx => events::delete_event(tx, id).await)
    }

    /// Users following an event.
    pub async fn subscribers_of(&mut self, id: EventId) -> Result<Vec<UserId>, StoreError> {
        on_tx!(self, tx => notifications::subscribers_of(tx, id).await)
    }

    /// Attendees holding a confirmed booking of the event.
    pub async fn confirmed_attendees(
        &mut self,
        id: EventId,
    ) -> Result<Vec<AttendeeId>, StoreError> {
        on_tx!(self, tx => channels::confirmed_attendees(tx, id).await)
    }

    /// Records a file (already in the object store) as the event's attachment.
    pub async fn put_attachment(
        &mut self,
        id: EventId,
        file: &Attachment,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, tx => attachments::put_attachment(tx, id, file, now).await)
    }

    /// Forgets the event's attachment.
    pub async fn delete_attachment(
        &mut self,
        id: EventId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, tx => attachments::delete_attachment(tx, id, now).await)
    }

    /// Registers an attendee unless the e-mail address is taken (`None` then).
    pub async fn insert_attendee(
        &mut self,
        attendee: &NewAttendee,
        token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Option<AttendeeId>, StoreError> {
        on_tx!(self, tx => attendees::insert_attendee(tx, attendee, token, now).await)
    }

    pub async fn attendee(&mut self, id: AttendeeId) -> Result<Option<Attendee>, StoreError> {
        on_tx!(self, tx => attendees::attendee_in(tx, id).await)
    }

    /// Writes an attendee's details; [`StoreError::EmailTaken`] if the address is another's.
    pub async fn update_attendee(
        &mut self,
        id: AttendeeId,
        updated: &NewAttendee,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, tx => attendees::update_attendee(tx, id, updated, now).await)
    }

    /// Locks the attendee and the events they hold seats in; `false` if there is no such attendee.
    pub async fn lock_for_erasure(&mut self, id: AttendeeId) -> Result<bool, StoreError> {
        on_tx!(self, tx => attendees::lock_for_erasure(tx, id).await)
    }

    /// Cancels every confirmed booking of an attendee, freeing the seats.
    pub async fn cancel_bookings_of(
        &mut self,
        id: AttendeeId,
        now: DateTime<Utc>,
    ) -> Result<Vec<(BookingId, SeatReleased)>, StoreError> {
        on_tx!(self, tx => attendees::cancel_bookings_of(tx, id, now).await)
    }

    /// Deletes an attendee and, by cascade, their bookings.
    pub async fn delete_attendee(&mut self, id: AttendeeId) -> Result<(), StoreError> {
        on_tx!(self, tx => attendees::delete_attendee(tx, id).await)
    }
}
