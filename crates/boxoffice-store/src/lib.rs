//! Storage for Boxoffice on SQLite (embedded default) or PostgreSQL.
//!
//! The database, not the process, guarantees booking integrity: a conditional
//! `UPDATE ... WHERE seats_booked < capacity` and a partial unique index decide
//! every booking, so the rules hold across any number of server processes.
//!
//! The SQL lives once, in `sql/` (one file per aggregate), and is compiled for each
//! backend (`sqlite.rs`, `postgres.rs`), which add only what differs between them.

mod backend;
pub mod batch;
mod devices;
mod error;
mod filter;
mod pool;
mod postgres;
mod presence;
mod rate_limits;
mod results;
mod retry;
mod rows;
mod sqlite;
mod tx;
mod violation;

pub use backend::Backend;
pub use devices::DeviceRegistration;
pub use error::StoreError;
pub use filter::{BookingFilter, EventFilter};
pub use holds::HoldEnded;
pub use notices::{ChannelPreferences, DeliveryRecord, Recipient};
pub use outbox::{OutboxMessage, Routing, UnroutedMessage};
pub use pool::PoolSettings;
pub use rate_limits::{Rate, RateLimitTable};
pub use results::{AttendeeLine, ListedEvent, SeatBooked, SeatReleased, SeatsAfter};
pub use retry::MAX_RETRIES;
pub use tickets::{CheckIn, CheckInOutcome, StaffMember};
pub use tx::WriteTx;
pub use violation::Violation;
pub use waitlist::Waiting;

/// A notification in a user's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    pub message_id: String,
    pub kind: boxoffice_domain::DomainEventKind,
    pub event_id: EventId,
    pub event_title: String,
    pub actor: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

use boxoffice_domain::{
    Attendee, AttendeeId, Booking, BookingId, Event, EventId, NewAttendee, NewUser, Page,
    PageRequest, SecretHash, User, UserId,
};
use chrono::{DateTime, Utc};

/// Who a booking is for: a known attendee, or a person by name and e-mail
/// (registered on the fly if the address is new), or a walk-in by name alone
/// (a person without e-mail: registered anew every time).
#[derive(Debug, Clone)]
pub enum BookingFor {
    Attendee(AttendeeId),
    Person(NewAttendee),
}

/// A booking request sent with an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// What the key is scoped to, e.g. `POST /events/7/book`.
    pub scope: String,
    /// SHA-256 of the client's key.
    pub key_hash: String,
    /// SHA-256 of the request body; the same key with another body is refused.
    pub request_hash: String,
}

/// What became of an idempotency key claimed in a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// First use: the key is now taken; record the outcome before committing.
    Fresh,
    /// Seen before with the same request: the outcome recorded then.
    Seen(String),
    /// Seen before with a different request.
    OtherRequest,
}

/// A connected, migrated database.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(sqlite::Pools),
    Postgres(postgres::Pools),
}

macro_rules! dispatch {
    ($self:ident, $backend:ident => $call:expr) => {
        match $self {
            Store::Sqlite($backend) => $call,
            Store::Postgres($backend) => $call,
        }
    };
}

/// Like `dispatch!`, for a write transaction that is run again if the database aborts it
/// as a deadlock victim or for a serialization failure.
macro_rules! retried {
    ($self:ident, $operation:literal, $backend:ident => $call:expr) => {
        match $self {
            Store::Sqlite($backend) => retry::retrying($operation, || $call).await,
            Store::Postgres($backend) => retry::retrying($operation, || $call).await,
        }
    };
}

impl Store {
    /// Opens a write transaction, for a use case to compose store functions in.
    pub async fn begin(&self) -> Result<WriteTx, StoreError> {
        Ok(match self {
            Store::Sqlite(b) => WriteTx::sqlite(b.begin_write().await?, b.outbox_signal()),
            Store::Postgres(b) => WriteTx::postgres(b.begin_write().await?, b.outbox_signal()),
        })
    }

    /// Where bookings and cancellations are queued to run in group commits; `None` where
    /// each runs in a transaction of its own (group commit switched off, or an in-memory
    /// SQLite database).
    pub fn batches(&self) -> Option<batch::Batches<'_>> {
        match self {
            Store::Sqlite(b) => b.batch_writer().map(batch::Batches::Sqlite),
            Store::Postgres(b) => b.event_queues().map(batch::Batches::Postgres),
        }
    }

    /// Runs `attempt` (a whole transaction) again while the database aborts it as a
    /// deadlock victim or for a serialization failure; `operation` names it in metrics.
    pub async fn retrying<T, F, Fut>(
        &self,
        operation: &'static str,
        attempt: F,
    ) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        retry::retrying(operation, attempt).await
    }

    /// Connects to `sqlite://path` or `postgres://...`; SQLite files are created if missing.
    ///
    /// `max_connections` bounds the PostgreSQL pool; SQLite uses one writer and a few readers.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let settings = PoolSettings {
            max_connections,
            ..PoolSettings::default()
        };
        Self::connect_with(url, settings).await
    }

    /// Like [`Store::connect`], with every pool setting given.
    pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Postgres(
                postgres::Pools::connect(url, settings).await?,
            ))
        } else if url.starts_with("sqlite:") {
            Ok(Store::Sqlite(
                sqlite::Pools::connect(url, settings.sqlite_group_commit).await?,
            ))
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self, b => b.migrate().await)
    }

    /// Runs a SQL script (used for `db/seed_data.sql`).
    pub async fn execute_script(&self, sql: &str) -> Result<(), StoreError> {
        dispatch!(self, b => b.execute_script(sql).await)
    }

    /// Rows breaking the booking and notification invariants; empty when all hold.
    ///
    /// With `delivered_before`, outbox rows published before that instant must also be in
    /// the notification history (meaningful where the notification service records its
    /// history in this database and has had time to consume what was published).
    pub async fn check_invariants(
        &self,
        delivered_before: Option<DateTime<Utc>>,
    ) -> Result<Vec<Violation>, StoreError> {
        dispatch!(self, b => b.check_invariants(delivered_before).await)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, b => b.ping().await)
    }

    /// Whether the database can be reached within `timeout`, on a new connection where
    /// the pool's could all be busy: tells an outage from an exhausted pool.
    pub async fn reachable(&self, timeout: std::time::Duration) -> bool {
        dispatch!(self, b => b.reachable(timeout).await)
    }

    pub async fn close(&self) {
        dispatch!(self, b => b.close().await)
    }

    /// The rate-limit counters all processes on this database share: PostgreSQL only
    /// (a SQLite file serves one process, which counts in memory).
    pub fn rate_limit_table(&self) -> Option<RateLimitTable> {
        match self {
            Store::Sqlite(_) => None,
            Store::Postgres(b) => Some(RateLimitTable::new(b.writer().clone())),
        }
    }

    pub async fn get_event(&self, id: EventId) -> Result<Option<Event>, StoreError> {
        dispatch!(self, b => b.get_event(id).await)
    }

    pub async fn list_events(
        &self,
        filter: &EventFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Page<ListedEvent>, StoreError> {
        dispatch!(self, b => b.list_events(filter, page, now).await)
    }

    /// Attendees holding confirmed bookings for an event; `None` if the event does not exist.
    pub async fn event_attendees(
        &self,
        id: EventId,
        page: PageRequest,
    ) -> Result<Option<Page<Attendee>>, StoreError> {
        dispatch!(self, b => b.event_attendees(id, page).await)
    }

    /// Bookings made and cancelled per quarter-hour slot (UTC) of an event, oldest first.
    pub async fn booking_activity(
        &self,
        id: EventId,
    ) -> Result<Vec<boxoffice_domain::ActivitySlot>, StoreError> {
        dispatch!(self, b => b.booking_activity(id).await)
    }

    /// The confirmed bookings of an event with their attendees, in booking order, read as
    /// the stream is polled (an empty stream for an unknown event).
    pub fn attendee_lines(
        &self,
        id: EventId,
    ) -> futures::stream::BoxStream<'static, Result<AttendeeLine, StoreError>> {
        dispatch!(self, b => b.attendee_lines(id))
    }

    pub async fn get_attendee(&self, id: AttendeeId) -> Result<Option<Attendee>, StoreError> {
        dispatch!(self, b => b.get_attendee(id).await)
    }

    /// The attendee whose management token hashes to `token`.
    pub async fn attendee_by_token(
        &self,
        token: &SecretHash,
    ) -> Result<Option<AttendeeId>, StoreError> {
        dispatch!(self, b => b.attendee_by_token(token).await)
    }

    pub async fn list_attendees(&self, page: PageRequest) -> Result<Page<Attendee>, StoreError> {
        dispatch!(self, b => b.list_attendees(page).await)
    }

    /// A booking and the hash of its cancel token.
    pub async fn get_booking(
        &self,
        id: BookingId,
    ) -> Result<Option<(Booking, SecretHash)>, StoreError> {
        dispatch!(self, b => b.get_booking(id).await)
    }

    pub async fn list_bookings(
        &self,
        filter: &BookingFilter,
        page: PageRequest,
    ) -> Result<Page<Booking>, StoreError> {
        dispatch!(self, b => b.list_bookings(filter, page).await)
    }

    /// Creates an account; [`StoreError::AccountEmailTaken`] or [`StoreError::UsernameTaken`] on conflict.
    pub async fn create_user(
        &self,
        user: &NewUser,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        retried!(self, "create_user", b => b.create_user(user, now))
    }

    pub async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        dispatch!(self, b => b.get_user(id).await)
    }

    /// The account whose username or e-mail address is `login` (case-insensitive), with its password hash.
    pub async fn user_for_login(&self, login: &str) -> Result<Option<(User, String)>, StoreError> {
        dispatch!(self, b => b.user_for_login(login).await)
    }

    /// Forgets idempotency records created before `before`.
    pub async fn purge_idempotency_keys(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, b => b.purge_idempotency_keys(before).await)
    }

    /// Follows an event's updates; `false` if the event does not exist.
    pub async fn subscribe(
        &self,
        user: UserId,
        event: EventId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        retried!(self, "subscribe", b => b.subscribe(user, event, now))
    }

    /// Stops following; `false` if the event does not exist.
    pub async fn unsubscribe(&self, user: UserId, event: EventId) -> Result<bool, StoreError> {
        dispatch!(self, b => b.unsubscribe(user, event).await)
    }

    /// Stores notifications in one transaction, once per domain event; returns how many were new.
    pub async fn record_notifications(
        &self,
        changes: &[boxoffice_domain::DomainEvent],
    ) -> Result<usize, StoreError> {
        retried!(self, "record_notifications", b => b.record_notifications(changes))
    }

    /// A user's notification history, newest first.
    pub async fn list_notifications(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<NotificationRecord>, StoreError> {
        dispatch!(self, b => b.list_notifications(user, page).await)
    }
}

// After the dispatch macros, which they use.
mod holds;
mod notices;
mod outbox;
mod tickets;
mod waitlist;
mod webhooks;

pub use webhooks::{DueDelivery, FannedOut, SendOutcome};
