//! A command waiting for its batch, and how it is answered once the batch's fate is known.
//! Shared by the SQLite writer thread and the PostgreSQL per-event leaders.

use super::{BookCommand, BookingResult, CancelCommand, Keyed};
use crate::StoreError;
use boxoffice_domain::Booking;
use tokio::sync::oneshot;

pub(super) type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

/// A command as it waits in a queue.
pub(super) enum Command {
    // Boxed: a booking command is large, and the queues move many.
    Book(Box<BookCommand>, Reply<Keyed<BookingResult>>),
    Cancel(CancelCommand, Reply<Option<Booking>>),
}

impl Command {
    /// Whether the caller stopped waiting (answered otherwise, say 503 during an outage, or
    /// gone): its command is not run, so nobody who heard of a failure finds it done.
    pub(super) fn caller_gone(&self) -> bool {
        match self {
            Command::Book(_, reply) => reply.is_closed(),
            Command::Cancel(_, reply) => reply.is_closed(),
        }
    }

    /// Answers a command that was not run.
    pub(super) fn refuse(self, error: StoreError) {
        // A caller that stopped waiting has nothing to hear.
        match self {
            Command::Book(_, reply) => drop(reply.send(Err(error))),
            Command::Cancel(_, reply) => drop(reply.send(Err(error))),
        }
    }
}

/// Why a batch did not commit, told to every command in it: nothing of it was kept.
#[derive(Debug, Clone)]
pub(super) struct NotCommitted {
    reason: String,
    unavailable: bool,
}

impl NotCommitted {
    pub(super) fn new(cause: &StoreError) -> Self {
        NotCommitted {
            reason: cause.to_string(),
            unavailable: cause.is_unavailable(),
        }
    }

    pub(super) fn error(&self) -> StoreError {
        StoreError::BatchNotCommitted {
            reason: self.reason.clone(),
            unavailable: self.unavailable,
        }
    }
}

/// A command run in the open transaction, answered once the transaction's fate is known.
pub(super) enum Ran {
    Book(
        Reply<Keyed<BookingResult>>,
        Result<Keyed<BookingResult>, StoreError>,
    ),
    Cancel(Reply<Option<Booking>>, Result<Option<Booking>, StoreError>),
}

impl Ran {
    /// Whether the command's own steps succeeded (a refusal is a success: it was decided).
    pub(super) fn succeeded(&self) -> bool {
        match self {
            Ran::Book(_, outcome) => outcome.is_ok(),
            Ran::Cancel(_, outcome) => outcome.is_ok(),
        }
    }

    /// Whether the caller stopped waiting while the command ran.
    fn caller_gone(&self) -> bool {
        match self {
            Ran::Book(reply, _) => reply.is_closed(),
            Ran::Cancel(reply, _) => reply.is_closed(),
        }
    }

    /// If a caller stopped waiting while its command ran, answers every other command that
    /// the batch is rolled back (their use cases run them again) and returns `true`: the
    /// caller's batch must then be rolled back, so that nobody who heard of a failure (a 503,
    /// say) finds the write done.
    pub(super) fn rolled_back_if_a_caller_left(ran: &mut Vec<Ran>) -> bool {
        if !ran.iter().any(Ran::caller_gone) {
            return false;
        }
        ran.drain(..)
            .filter(|command| !command.caller_gone())
            .for_each(Ran::rolled_back);
        true
    }

    /// Answers that the batch was rolled back for another command's sake (a caller who
    /// left): the use case runs the command again.
    fn rolled_back(self) {
        match self {
            Ran::Book(reply, _) => drop(reply.send(Err(StoreError::BatchRolledBack))),
            Ran::Cancel(reply, _) => drop(reply.send(Err(StoreError::BatchRolledBack))),
        }
    }

    /// The command's own outcome if its batch committed; otherwise why it did not.
    pub(super) fn answer(self, committed: &Result<(), NotCommitted>) {
        fn settle<T>(
            outcome: Result<T, StoreError>,
            committed: &Result<(), NotCommitted>,
        ) -> Result<T, StoreError> {
            match committed {
                Ok(()) => outcome,
                Err(failure) => Err(failure.error()),
            }
        }
        match self {
            Ran::Book(reply, outcome) => drop(reply.send(settle(outcome, committed))),
            Ran::Cancel(reply, outcome) => drop(reply.send(settle(outcome, committed))),
        }
    }
}
