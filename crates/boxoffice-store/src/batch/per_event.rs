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
use boxoffice_domain::{Booking, EventId, SecretHash};
use chrono::{DateTime, Utc};
use sqlx::{Pool, Postgres};
use std::collections::{HashMap, VecDeque, hash_map::Entry};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::runtime::Handle;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::LocalSet;

/// Commands at most in one transaction. Each is a subtransaction, and PostgreSQL keeps 64
/// of them per transaction in shared memory; past that, every other session's visibility
/// checks have to look them up while the batch is open.
const MAX_BATCH: usize = 48;

/// Savepoint statements; the undo releases too, so that savepoints do not pile up.
const COMMAND: &str = "SAVEPOINT command";
const COMMAND_DONE: &str = "RELEASE SAVEPOINT command";
const COMMAND_UNDONE: &str = "ROLLBACK TO SAVEPOINT command; RELEASE SAVEPOINT command";
const BOOKING: &str = "SAVEPOINT booking";
const BOOKING_DONE: &str = "RELEASE SAVEPOINT booking";
const BOOKING_UNDONE: &str = "ROLLBACK TO SAVEPOINT booking; RELEASE SAVEPOINT booking";

/// The per-event queues of this process.
#[derive(Clone)]
pub struct EventQueues {
    shared: Arc<Shared>,
    /// Events whose leader is to be started on the leaders' thread.
    leaders: mpsc::UnboundedSender<EventId>,
}

struct Shared {
    pool: Pool<Postgres>,
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
    /// Starts the leaders' thread, which runs on the current Tokio runtime.
    ///
    /// The leaders run as local tasks of a thread of their own because rustc cannot prove
    /// a leader's future `Send` for `tokio::spawn` ("implementation of `Send` is not
    /// general enough", through the sqlx futures of the steps it awaits). They only wait on
    /// the database, so one thread serves every event; the SQLite writer has one too.
    pub(crate) fn start(pool: Pool<Postgres>, outbox: Arc<Notify>) -> Result<Self, StoreError> {
        let shared = Arc::new(Shared {
            pool,
            outbox,
            queues: Mutex::default(),
            idle: Notify::new(),
            closed: AtomicBool::new(false),
        });
        let (leaders, mut starts) = mpsc::unbounded_channel();
        let runtime = Handle::current();
        let serving = shared.clone();
        std::thread::Builder::new()
            .name("postgres-batches".into())
            .spawn(move || {
                let local = LocalSet::new();
                runtime.block_on(local.run_until(async move {
                    while let Some(event) = starts.recv().await {
                        tokio::task::spawn_local(lead(serving.clone(), event));
                    }
                }));
            })
            .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        Ok(EventQueues { shared, leaders })
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
            .fetch_optional(&self.shared.pool)
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
                return;
            }
            idle.await;
        }
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
                if self.leaders.send(event).is_err() {
                    return command.refuse(StoreError::WriterStopped);
                }
                vacant.insert(VecDeque::from([command]));
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
        for command in commands {
            if let Some(failure) = &lost {
                command.refuse(NotCommitted::error(failure));
                continue;
            }
            if command.caller_gone() {
                continue;
            }
            let (outcome, intact) = run_command(&mut tx, command).await;
            ran.push(outcome);
            lost = intact.err().map(|cause| NotCommitted::new(&cause));
        }
        if lost.is_none() && ran.iter().any(Ran::caller_gone) {
            // Nobody who stopped waiting (answered 503, say) may find the write done.
            drop(tx.rollback().await);
            return ran
                .into_iter()
                .filter(|command| !command.caller_gone())
                .for_each(Ran::rolled_back);
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

/// Runs one command in its own savepoint; a failure undoes that savepoint only. The second
/// value is `Err` when the transaction itself is lost (the savepoint could not be undone).
async fn run_command(tx: &mut WriteTx, command: Command) -> (Ran, Result<(), StoreError>) {
    let (ran, failed) = match command {
        Command::Book(command, reply) => {
            let outcome = book(tx, *command).await;
            let failed = outcome.is_err();
            (Ran::Book(reply, outcome), failed)
        }
        Command::Cancel(command, reply) => {
            let outcome = cancel(tx, command).await;
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
async fn book(tx: &mut WriteTx, command: BookCommand) -> Result<Keyed<BookingResult>, StoreError> {
    let BookCommand {
        event,
        who,
        cancel_token,
        now,
        idempotency,
        change,
    } = command;
    tx.execute(COMMAND).await?;
    let Some((key, record)) = idempotency else {
        let result = attempt(tx, event, &who, &cancel_token, now, change).await?;
        let end = if result.is_ok() {
            COMMAND_DONE
        } else {
            COMMAND_UNDONE
        };
        tx.execute(end).await?;
        return Ok(Keyed::Ran(result));
    };
    let seen = match tx.claim_key(&key, now).await? {
        KeyClaim::Fresh => None,
        KeyClaim::Seen(outcome) => Some(Keyed::Seen(outcome)),
        KeyClaim::OtherRequest => Some(Keyed::OtherRequest),
    };
    if let Some(seen) = seen {
        tx.execute(COMMAND_DONE).await?;
        return Ok(seen);
    }
    tx.execute(BOOKING).await?;
    let result = attempt(tx, event, &who, &cancel_token, now, change).await?;
    let end = if result.is_ok() {
        BOOKING_DONE
    } else {
        BOOKING_UNDONE
    };
    tx.execute(end).await?;
    tx.record_outcome(&key, &record(&result)?).await?;
    tx.execute(COMMAND_DONE).await?;
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
    if let (Some(booking), Some(seats)) = (&booking, freed) {
        tx.record(&change(booking, seats)).await?;
    }
    tx.execute(COMMAND_DONE).await?;
    Ok(booking)
}
