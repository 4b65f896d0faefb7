//! Group commit on SQLite: whole write commands queued to one native connection.
//!
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

mod native;
mod writer;

pub use writer::BatchWriter;

use crate::{BookingFor, IdempotencyKey, SeatBooked, SeatsAfter, StoreError};
use boxoffice_domain::{Booking, BookingId, BookingRefusal, DomainEvent, EventId, SecretHash};
use chrono::{DateTime, Utc};

/// What a booking came to, as the use case records it with an idempotency key.
pub type BookingResult = Result<SeatBooked, BookingRefusal>;

/// Builds the domain event of a booking just made.
pub type BookedChange = Box<dyn FnOnce(&SeatBooked) -> DomainEvent + Send>;

/// Serializes a booking's outcome for its idempotency record.
pub type OutcomeRecord = Box<dyn FnOnce(&BookingResult) -> Result<String, StoreError> + Send>;

/// Builds the domain event of a cancellation that freed a seat.
pub type CancelledChange = Box<dyn FnOnce(&Booking, SeatsAfter) -> DomainEvent + Send>;

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
