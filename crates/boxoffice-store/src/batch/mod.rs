//! Group commit: whole write commands (a booking, a cancellation) queued, run many to one
//! transaction, each in a savepoint, and answered after the commit.
//!
//! On SQLite (`writer.rs`):
//! sqlx runs each SQLite connection on a thread of its own and sends every statement there
//! and back; a booking is six such round trips, and each booking committed alone. The batch
//! writer instead takes whole commands (a booking, a cancellation) from a queue on its own
//! thread, runs every command waiting there in a savepoint of one `BEGIN IMMEDIATE`
//! transaction with the statements of `sql/` on a native connection, commits once, and only
//! then answers each caller with its own outcome. A refusal or a failing statement rolls back
//! its own savepoint and nothing else.
//!
//! The use case stays the author of the operation: a command carries, besides its data, the
//! use case's functions that build the domain event from what the store did and serialize
//! the outcome kept with an idempotency key, so the outbox row and the idempotency record go
//! in the same savepoint as the change.
//!
//! On PostgreSQL (`per_event.rs`), the same commands queue per event, and one leader task
//! per hot event runs them through sqlx in one transaction: one row lock and one WAL flush
//! for the batch.

mod native;
mod per_event;
mod queue;
mod writer;

pub use per_event::EventQueues;
pub use writer::BatchWriter;

use crate::{BookingFor, IdempotencyKey, SeatBooked, SeatReleased, StoreError};
use boxoffice_domain::{Booking, BookingId, BookingRefusal, DomainEvent, EventId, SecretHash};
use chrono::{DateTime, Utc};

/// What a booking came to, as the use case records it with an idempotency key.
pub type BookingResult = Result<SeatBooked, BookingRefusal>;

/// Builds the domain event of a booking just made.
pub type BookedChange = Box<dyn FnOnce(&SeatBooked) -> DomainEvent + Send>;

/// Serializes a booking's outcome for its idempotency record.
pub type OutcomeRecord = Box<dyn FnOnce(&BookingResult) -> Result<String, StoreError> + Send>;

/// Builds the domain events of a cancellation that gave a seat back (the cancellation, and
/// the booking of the first in line when someone waited for the seat).
pub type CancelledChange = Box<dyn FnOnce(&Booking, &SeatReleased) -> Vec<DomainEvent> + Send>;

/// One seat for one person, with what the use case adds to it.
pub struct BookCommand {
    pub event: EventId,
    pub who: BookingFor,
    pub cancel_token: SecretHash,
    pub now: DateTime<Utc>,
    /// With a key: the key, and how to record the outcome under it.
    pub idempotency: Option<(IdempotencyKey, OutcomeRecord)>,
    pub change: BookedChange,
}

/// A booking to cancel, with the domain event of a freed seat.
pub struct CancelCommand {
    pub id: BookingId,
    pub now: DateTime<Utc>,
    pub change: CancelledChange,
}

/// Where a store runs bookings and cancellations in group commits.
#[derive(Debug, Clone, Copy)]
pub enum Batches<'a> {
    /// The writer thread of a SQLite file.
    Sqlite(&'a BatchWriter),
    /// The per-event leaders of this process on PostgreSQL.
    Postgres(&'a EventQueues),
}

impl Batches<'_> {
    /// Books a seat in the next batch; answered after that batch committed.
    pub async fn book(self, command: BookCommand) -> Result<Keyed<BookingResult>, StoreError> {
        match self {
            Batches::Sqlite(writer) => writer.book(command).await,
            Batches::Postgres(queues) => queues.book(command).await,
        }
    }

    /// Cancels a booking in the next batch; `None` if there is no such booking.
    pub async fn cancel(self, command: CancelCommand) -> Result<Option<Booking>, StoreError> {
        match self {
            Batches::Sqlite(writer) => writer.cancel(command).await,
            Batches::Postgres(queues) => queues.cancel(command).await,
        }
    }
}

/// What became of a command sent with an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyed<T> {
    /// The key was new (or absent): the command ran.
    Ran(T),
    /// The key was used before for the same request: the outcome recorded then.
    Seen(String),
    /// The key was used before for a different request.
    OtherRequest,
}

impl std::fmt::Debug for BookCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookCommand")
            .field("event", &self.event)
            .field("who", &self.who)
            .field("now", &self.now)
            .field(
                "idempotency",
                &self.idempotency.as_ref().map(|(key, _)| key),
            )
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for CancelCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelCommand")
            .field("id", &self.id)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}
