//! The writer thread: drains the queue, runs what it took in one transaction, commits,
//! then answers every caller.

use super::queue::{Command, NotCommitted, Ran};
use super::{BookCommand, BookingResult, CancelCommand, Keyed, native};
use crate::{KeyClaim, StoreError};
use boxoffice_domain::Booking;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use sqlx::{Pool, Sqlite};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::{Notify, oneshot};

/// Commands at most in one transaction: bounds how long the sqlx writer (events,
/// the relay, the notification history) may wait behind a batch.
const MAX_BATCH: usize = 256;

enum Job {
    Run(Command),
    /// Everything queued before this is run and answered; everything after is refused.
    Close(oneshot::Sender<()>),
}

/// The handle to queue commands for the writer thread of one SQLite file.
#[derive(Debug, Clone)]
pub struct BatchWriter {
    jobs: mpsc::Sender<Job>,
}

impl BatchWriter {
    /// Opens a native connection to the file at `path` and starts its thread. A batch runs
    /// while holding the only connection of `lock` (the sqlx write pool), so sqlx writes
    /// and batches take turns instead of meeting on SQLite's busy timeout.
    pub(crate) fn start(
        path: &Path,
        lock: Pool<Sqlite>,
        outbox: Arc<Notify>,
    ) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let (jobs, queue) = mpsc::channel();
        let writer = Writer {
            conn,
            lock,
            runtime: Handle::current(),
            outbox,
        };
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer.run(&queue))
            .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        Ok(BatchWriter { jobs })
    }

    /// Books a seat in the next batch; answered after that batch committed.
    pub async fn book(&self, command: BookCommand) -> Result<Keyed<BookingResult>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Run(Command::Book(Box::new(command), reply)))?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Cancels a booking in the next batch; `None` if there is no such booking.
    pub async fn cancel(&self, command: CancelCommand) -> Result<Option<Booking>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Run(Command::Cancel(command, reply)))?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Runs and answers what is queued, then refuses whatever comes after.
    pub async fn close(&self) {
        let (ack, done) = oneshot::channel();
        if self.send(Job::Close(ack)).is_ok() {
            // An error means the thread is gone, which is closed enough.
            done.await.ok();
        }
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        self.jobs.send(job).map_err(|_| StoreError::WriterStopped)
    }
}

struct Writer {
    conn: Connection,
    lock: Pool<Sqlite>,
    runtime: Handle,
    outbox: Arc<Notify>,
}

impl Writer {
    /// Serves batches until every handle is dropped.
    fn run(mut self, queue: &mpsc::Receiver<Job>) {
        // Returning the sqlx connection to its pool spawns a task.
        let runtime = self.runtime.clone();
        let _context = runtime.enter();
        let mut intake = Intake::default();
        while let Ok(first) = queue.recv() {
            intake.take(first, queue);
            if !intake.commands.is_empty() {
                self.run_batch(&mut intake, queue);
            }
            for ack in intake.acks.drain(..) {
                ack.send(()).ok();
            }
        }
    }

    /// Waits for the write turn, takes what queued meanwhile too, runs it all in one
    /// transaction and answers each command after the commit.
    fn run_batch(&mut self, intake: &mut Intake, queue: &mpsc::Receiver<Job>) {
        let turn = match self.runtime.block_on(self.lock.acquire()) {
            Ok(turn) => turn,
            Err(sqlx::Error::PoolClosed) => return intake.refuse_all(|| StoreError::WriterStopped),
            Err(e) => {
                let failure = NotCommitted::new(&e.into());
                return intake.refuse_all(|| failure.error());
            }
        };
        intake.top_up(queue);
        let commands = std::mem::take(&mut intake.commands);
        metrics::histogram!("boxoffice_write_batch_commands").record(commands.len() as f64);
        let mut tx = match self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(tx) => tx,
            Err(e) => {
                let failure = NotCommitted::new(&e.into());
                intake.commands = commands;
                return intake.refuse_all(|| failure.error());
            }
        };
        let mut ran: Vec<Ran> = commands
            .into_iter()
            .filter(|command| !command.caller_gone())
            .map(|command| run_command(&mut tx, command))
            .collect();
        if Ran::rolled_back_if_a_caller_left(&mut ran) {
            drop(tx.rollback());
            drop(turn);
            return;
        }
        let committed = tx.commit().map_err(|e| NotCommitted::new(&e.into()));
        drop(turn);
        if committed.is_ok() && ran.iter().any(Ran::succeeded) {
            self.outbox.notify_one();
        }
        for command in ran {
            command.answer(&committed);
        }
    }
}

/// What the writer took from the queue for its next batch.
#[derive(Default)]
struct Intake {
    commands: Vec<Command>,
    acks: Vec<oneshot::Sender<()>>,
    closed: bool,
}

impl Intake {
    /// Takes `first` and whatever else is queued, up to a batch.
    fn take(&mut self, first: Job, queue: &mpsc::Receiver<Job>) {
        self.accept(first);
        self.top_up(queue);
    }

    fn top_up(&mut self, queue: &mpsc::Receiver<Job>) {
        while self.commands.len() < MAX_BATCH {
            let Ok(job) = queue.try_recv() else { break };
            self.accept(job);
        }
    }

    fn accept(&mut self, job: Job) {
        match job {
            Job::Close(ack) => {
                self.closed = true;
                self.acks.push(ack);
            }
            Job::Run(command) if self.closed => command.refuse(StoreError::WriterStopped),
            Job::Run(command) => self.commands.push(command),
        }
    }

    fn refuse_all(&mut self, error: impl Fn() -> StoreError) {
        for command in self.commands.drain(..) {
            command.refuse(error());
        }
    }
}

/// Runs one command in its own savepoint; a failure undoes that savepoint only.
fn run_command(tx: &mut Transaction<'_>, command: Command) -> Ran {
    match command {
        Command::Book(command, reply) => Ran::Book(reply, book(tx, *command)),
        Command::Cancel(command, reply) => Ran::Cancel(reply, cancel(tx, command)),
    }
}

/// The booking flow of `boxoffice_usecases::bookings::book`, in savepoints: with an
/// idempotency key, a refusal undoes the booking but keeps the key and its outcome.
fn book(
    tx: &mut Transaction<'_>,
    command: BookCommand,
) -> Result<Keyed<BookingResult>, StoreError> {
    let BookCommand {
        event,
        who,
        cancel_token,
        now,
        idempotency,
        change,
    } = command;
    let attempt = |conn: &Connection| -> Result<BookingResult, StoreError> {
        let result = native::book_seat(conn, event, &who, &cancel_token, now)?;
        if let Ok(booked) = &result {
            native::record(conn, &change(booked))?;
        }
        Ok(result)
    };
    // Dropping a savepoint without committing it rolls it back.
    let mut command = tx.savepoint()?;
    let Some((key, record)) = idempotency else {
        let result = attempt(&command)?;
        if result.is_ok() {
            command.commit()?;
        }
        return Ok(Keyed::Ran(result));
    };
    match native::claim_key(&command, &key, now)? {
        KeyClaim::Fresh => {}
        KeyClaim::Seen(outcome) => return Ok(Keyed::Seen(outcome)),
        KeyClaim::OtherRequest => return Ok(Keyed::OtherRequest),
    }
    let booking = command.savepoint()?;
    let result = attempt(&booking)?;
    if result.is_ok() {
        booking.commit()?;
    } else {
        drop(booking);
    }
    native::record_outcome(&command, &key, &record(&result)?)?;
    command.commit()?;
    Ok(Keyed::Ran(result))
}

/// The cancellation flow of `boxoffice_usecases::bookings::cancel`.
fn cancel(tx: &mut Transaction<'_>, command: CancelCommand) -> Result<Option<Booking>, StoreError> {
    let CancelCommand { id, now, change } = command;
    let savepoint = tx.savepoint()?;
    let freed = native::cancel_booking(&savepoint, id, now)?;
    let Some(booking) = native::booking(&savepoint, id)? else {
        return Ok(None);
    };
    if let Some(released) = freed {
        for change in change(&booking, &released) {
            native::record(&savepoint, &change)?;
        }
    }
    savepoint.commit()?;
    Ok(Some(booking))
}
