//! Group commit on PostgreSQL: the bookings and cancellations of one event, queued in this
//! process, run by one leader in one transaction.
//!
//! Every booking takes its event's row lock and, committed alone, holds it through its own
//! WAL flush, so the bookings of a hot event serialize on commit latency. Here the first
//! command for an event starts a leader task (its own task, so a client that goes away
//! does not stall the queue); the leader takes every command of that event queued meanwhile, runs each in a
//! savepoint of one transaction, commits once, answers each caller with its own outcome,
//! and repeats until the queue is empty. One row lock and one WAL flush then serve the
//! whole batch. The leaders of other processes queue on the same row lock: the rules stay
//! the database's, and hold across processes.

use super::queue::{Command, NotCommitted, Ran};
use super::{BookCommand, BookedChange, BookingResult, CancelCommand, Keyed};
use crate::{BookingFor, KeyClaim, StoreError, WriteTx};
use boxoffice_domain::{Booking, BookingRefusal, EventId, SecretHash};
use chrono::{DateTime, Utc};
use sqlx::{Pool, Postgres};
use std::collections::{HashMap, VecDeque, hash_map::Entry};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{Notify, oneshot};

/// Commands at most in one transaction. Each is a subtransaction, and PostgreSQL keeps 64
/// of them per transaction in shared memory; past that, every other session's visibility
/// checks have to look them up while the batch is open.
const MAX_BATCH: usize = 48;

/// Savepoint statements. Each command opens one named `command`, which shadows the
/// previous command's; a command that succeeds leaves its savepoint open rather than spend
/// a round trip releasing it (they all end with the transaction). The undo rolls back to
/// the newest one, the command's own, and drops it.
const COMMAND: &str = "SAVEPOINT command";
const COMMAND_UNDONE: &str = "ROLLBACK TO SAVEPOINT command; RELEASE SAVEPOINT command";
const BOOKING: &str = "SAVEPOINT booking";
const BOOKING_UNDONE: &str = "ROLLBACK TO SAVEPOINT booking; RELEASE SAVEPOINT booking";

/// The per-event queues of this process.
#[derive(Clone)]
pub struct EventQueues {
    shared: Arc<Shared>,
}

struct Shared {
    /// The leaders' own connections.
    pool: Pool<Postgres>,
    /// The requests' pool, for what a caller reads before queueing.
    reader: Pool<Postgres>,
    outbox: Arc<Notify>,
    /// An event has an entry exactly while a leader serves it.
    queues: Mutex<HashMap<EventId, VecDeque<Command>>>,
    /// Woken when the last queue is gone (for closing).
    idle: Notify,
    closed: AtomicBool,
}

impl std::fmt::Debug for EventQueues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventQueues")
            .field("events", &self.shared.queues().len())
            .finish_non_exhaustive()
    }
}

impl EventQueues {
    pub(crate) fn new(pool: Pool<Postgres>, reader: Pool<Postgres>, outbox: Arc<Notify>) -> Self {
        let shared = Shared {
            pool,
            reader,
            outbox,
            queues: Mutex::default(),
            idle: Notify::new(),
            closed: AtomicBool::new(false),
        };
        EventQueues {
            shared: Arc::new(shared),
        }
    }

    /// Books a seat in the event's next batch; answered after that batch committed.
    pub async fn book(&self, command: BookCommand) -> Result<Keyed<BookingResult>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let event = command.event;
        self.submit(event, Command::Book(Box::new(command), reply));
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Cancels a booking in its event's next batch; `None` if there is no such booking.
    pub async fn cancel(&self, command: CancelCommand) -> Result<Option<Booking>, StoreError> {
        // A booking never moves to another event, so its event can be read before the batch.
        let event: Option<i64> = sqlx::query_scalar("SELECT event_id FROM bookings WHERE id = $1")
            .bind(command.id.0)
            .fetch_optional(&self.shared.reader)
            .await?;
        let Some(event) = event else {
            return Ok(None);
        };
        let (reply, answer) = oneshot::channel();
        self.submit(EventId(event), Command::Cancel(command, reply));
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Refuses whatever is submitted from now on, and returns once every command queued
    /// before has been run and answered.
    pub(crate) async fn close(&self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        loop {
            let idle = self.shared.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            if self.shared.queues().is_empty() {
                break;
            }
            idle.await;
        }
        self.shared.pool.close().await;
    }

    /// Queues `command` behind the event's leader, or makes it the first of a new leader.
    fn submit(&self, event: EventId, command: Command) {
        if self.shared.closed.load(Ordering::SeqCst) {
            return command.refuse(StoreError::WriterStopped);
        }
        let mut queues = self.shared.queues();
        match queues.entry(event) {
            Entry::Occupied(mut queue) => queue.get_mut().push_back(command),
            Entry::Vacant(vacant) => {
                vacant.insert(VecDeque::from([command]));
                tokio::spawn(lead(self.shared.clone(), event));
            }
        }
    }
}

impl Shared {
    fn queues(&self) -> MutexGuard<'_, HashMap<EventId, VecDeque<Command>>> {
        // The map stays consistent at every step, so a panic elsewhere leaves it usable.
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next batch of the event; `None`, with the queue removed, once it is empty.
    fn next_batch(&self, event: EventId) -> Option<Vec<Command>> {
        let mut queues = self.queues();
        let queue = queues.get_mut(&event)?;
        if queue.is_empty() {
            queues.remove(&event);
            if queues.is_empty() {
                self.idle.notify_waiters();
            }
            return None;
        }
        let take = queue.len().min(MAX_BATCH);
        Some(queue.drain(..take).collect())
    }

    /// Runs `commands` in one transaction and answers each after the commit.
    async fn run_batch(&self, commands: Vec<Command>) {
        metrics::histogram!("boxoffice_write_batch_commands").record(commands.len() as f64);
        let mut tx = match self.pool.begin().await {
            Ok(tx) => WriteTx::postgres(tx, &self.outbox),
            Err(sqlx::Error::PoolClosed) => {
                return commands
                    .into_iter()
                    .for_each(|c| c.refuse(StoreError::WriterStopped));
            }
            Err(e) => {
                let failure = NotCommitted::new(&e.into());
                return commands.into_iter().for_each(|c| c.refuse(failure.error()));
            }
        };
        let mut ran = Vec::with_capacity(commands.len());
        let mut lost = None;
        let mut seen = Seen::default();
        for command in commands {
            if let Some(failure) = &lost {
                command.refuse(NotCommitted::error(failure));
                continue;
            }
            if command.caller_gone() {
                continue;
            }
            let (outcome, intact) = run_command(&mut tx, command, &mut seen).await;
            ran.push(outcome);
            lost = intact.err().map(|cause| NotCommitted::new(&cause));
        }
        if lost.is_none() && Ran::rolled_back_if_a_caller_left(&mut ran) {
            drop(tx.rollback().await);
            return;
        }
        // The commit wakes this process's relay if a command recorded a domain event.
        let committed = match lost {
            Some(failure) => Err(failure),
            None => tx.commit().await.map_err(|e| NotCommitted::new(&e)),
        };
        for command in ran {
            command.answer(&committed);
        }
    }
}

/// Serves the event's queue until it is empty.
async fn lead(shared: Arc<Shared>, event: EventId) {
    let mut leading = Leading {
        shared: shared.clone(),
        event,
        done: false,
    };
    while let Some(commands) = shared.next_batch(event) {
        shared.run_batch(commands).await;
    }
    leading.done = true;
}

/// Answers what is left of the queue if its leader stops before emptying it (a panic, the
/// runtime shutting down), so that no caller waits forever and the event gets a new leader.
struct Leading {
    shared: Arc<Shared>,
    event: EventId,
    done: bool,
}

impl Drop for Leading {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let left = {
            let mut queues = self.shared.queues();
            let left = queues.remove(&self.event);
            if queues.is_empty() {
                self.shared.idle.notify_waiters();
            }
            left
        };
        for command in left.into_iter().flatten() {
            command.refuse(StoreError::WriterStopped);
        }
    }
}

/// What the batch learnt of its event so far.
#[derive(Default)]
struct Seen {
    /// Why the event refused a person's seat (full, closed or gone): once the batch has
    /// heard it, nothing in the batch but a cancellation can change it, so the next unkeyed
    /// bookings by a person are refused alike without a statement. A refusal costs the
    /// leader nothing then, which is what a sold-out flash sale is made of.
    ///
    /// It is the answer each of them would get now: every command in the batch was
    /// waiting when it was decided, and a person's refusal is the event's reason alone.
    event_refusal: Option<BookingRefusal>,
}

impl Seen {
    fn learn(&mut self, who: &BookingFor, result: &BookingResult) {
        if let (BookingFor::Person(_), Err(refusal)) = (who, result)
            && matches!(
                refusal,
                BookingRefusal::EventFull
                    | BookingRefusal::EventNotFound
                    | BookingRefusal::NotBookable(_)
            )
        {
            self.event_refusal = Some(refusal.clone());
        }
    }
}

/// Runs one command in its own savepoint; a failure undoes that savepoint only. The second
/// value is `Err` when the transaction itself is lost (the savepoint could not be undone).
async fn run_command(
    tx: &mut WriteTx,
    command: Command,
    seen: &mut Seen,
) -> (Ran, Result<(), StoreError>) {
    let (ran, failed) = match command {
        Command::Book(command, reply) => {
            let outcome = book(tx, *command, seen).await;
            let failed = outcome.is_err();
            (Ran::Book(reply, outcome), failed)
        }
        Command::Cancel(command, reply) => {
            let outcome = cancel(tx, command).await;
            if matches!(outcome, Ok(Some(_))) {
                // It may have freed a seat.
                seen.event_refusal = None;
            }
            let failed = outcome.is_err();
            (Ran::Cancel(reply, outcome), failed)
        }
    };
    let intact = if failed {
        tx.execute(COMMAND_UNDONE).await
    } else {
        Ok(())
    };
    (ran, intact)
}

/// The booking flow of `boxoffice_usecases::bookings::book`, in savepoints: with an
/// idempotency key, a refusal undoes the booking but keeps the key and its outcome.
async fn book(
    tx: &mut WriteTx,
    command: BookCommand,
    seen: &mut Seen,
) -> Result<Keyed<BookingResult>, StoreError> {
    let BookCommand {
        event,
        who,
        cancel_token,
        now,
        idempotency,
        change,
    } = command;
    let Some((key, record)) = idempotency else {
        if let (BookingFor::Person(_), Some(refusal)) = (&who, &seen.event_refusal) {
            return Ok(Keyed::Ran(Err(refusal.clone())));
        }
        tx.execute(COMMAND).await?;
        let result = attempt(tx, event, &who, &cancel_token, now, change).await?;
        if result.is_err() {
            tx.execute(COMMAND_UNDONE).await?;
        }
        seen.learn(&who, &result);
        return Ok(Keyed::Ran(result));
    };
    tx.execute(COMMAND).await?;
    let claimed = match tx.claim_key(&key, now).await? {
        KeyClaim::Fresh => None,
        KeyClaim::Seen(outcome) => Some(Keyed::Seen(outcome)),
        KeyClaim::OtherRequest => Some(Keyed::OtherRequest),
    };
    if let Some(claimed) = claimed {
        return Ok(claimed);
    }
    tx.execute(BOOKING).await?;
    let result = attempt(tx, event, &who, &cancel_token, now, change).await?;
    if result.is_err() {
        tx.execute(BOOKING_UNDONE).await?;
    }
    seen.learn(&who, &result);
    tx.record_outcome(&key, &record(&result)?).await?;
    Ok(Keyed::Ran(result))
}

/// The seat, the booking and its domain event.
async fn attempt(
    tx: &mut WriteTx,
    event: EventId,
    who: &BookingFor,
    cancel_token: &SecretHash,
    now: DateTime<Utc>,
    change: BookedChange,
) -> Result<BookingResult, StoreError> {
    let result = tx.book_seat(event, who, cancel_token, now).await?;
    if let Ok(booked) = &result {
        tx.record(&change(booked)).await?;
    }
    Ok(result)
}

/// The cancellation flow of `boxoffice_usecases::bookings::cancel`.
async fn cancel(tx: &mut WriteTx, command: CancelCommand) -> Result<Option<Booking>, StoreError> {
    let CancelCommand { id, now, change } = command;
    tx.execute(COMMAND).await?;
    let freed = tx.cancel_booking(id, now).await?;
    let booking = tx.booking(id).await?;
    if let (Some(booking), Some(released)) = (&booking, freed) {
        for change in change(booking, &released) {
            tx.record(&change).await?;
        }
    }
    Ok(booking)
}
