//! Storage for Boxoffice on SQLite (embedded default) or PostgreSQL.
//!
//! The database, not the process, guarantees booking integrity: a conditional
//! `UPDATE ... WHERE seats_booked < capacity` and a partial unique index decide
//! every booking, so the rules hold across any number of server processes.
//!
//! The SQL lives once, in `queries.rs`, and is compiled for each backend
//! (`sqlite.rs`, `postgres.rs`), which add only what differs between them.

mod error;
mod filter;
mod pool;
mod postgres;
mod rate_limits;
mod retry;
mod rows;
mod sqlite;
mod violation;

pub use error::StoreError;
pub use filter::{BookingFilter, EventFilter};
pub use notices::{ChannelPreferences, DeliveryRecord};
pub use pool::PoolSettings;
pub use rate_limits::{Rate, RateLimitTable};
pub use retry::MAX_RETRIES;
pub use violation::Violation;

/// A domain event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Position in the outbox.
    pub id: i64,
    /// The domain event's id.
    pub message_id: String,
    /// e.g. `booking.created`.
    pub kind: String,
    /// JSON of the domain event.
    pub payload: String,
}

/// An event after its attached file was set or removed, and the file it replaced.
#[derive(Debug, Clone)]
pub struct AttachmentChange {
    pub event: Event,
    /// The previous file, whose object the caller now removes.
    pub replaced: Option<boxoffice_domain::Attachment>,
}

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
    Attendee, AttendeeId, AttendeePatch, Booking, BookingId, BookingRefusal, Event, EventId,
    EventPatch, Invalid, NewAttendee, NewEvent, NewUser, Page, PageRequest, SecretHash, User,
    UserId,
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

/// A response as it was first sent, for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// The result of a booking attempt.
#[derive(Debug)]
pub enum BookingOutcome {
    Booked(Booking),
    Refused(BookingRefusal),
    /// The idempotency key was seen before: here is the first response.
    Replayed(StoredResponse),
    /// The idempotency key was seen before with a different request.
    KeyReused,
}

/// Renders the response stored for an idempotent booking.
pub type RenderResponse<'a> =
    &'a (dyn Fn(&Result<Booking, BookingRefusal>) -> StoredResponse + Send + Sync);

/// A connected, migrated database.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(sqlite::Backend),
    Postgres(postgres::Backend),
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
                postgres::Backend::connect(url, settings).await?,
            ))
        } else if url.starts_with("sqlite:") {
            Ok(Store::Sqlite(sqlite::Backend::connect(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    /// Which database this is: `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
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

    /// Creates an event and records `event.created` in the outbox; `actor` is the creator's username.
    pub async fn create_event(
        &self,
        event: &NewEvent,
        owner: Option<UserId>,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Event, StoreError> {
        retried!(self, "create_event", b => b.create_event(event, owner, actor, now))
    }

    pub async fn get_event(&self, id: EventId) -> Result<Option<Event>, StoreError> {
        dispatch!(self, b => b.get_event(id).await)
    }

    pub async fn list_events(
        &self,
        filter: &EventFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Page<Event>, StoreError> {
        dispatch!(self, b => b.list_events(filter, page, now).await)
    }

    /// Applies `patch` under a row lock; `None` if the event does not exist.
    pub async fn update_event(
        &self,
        id: EventId,
        patch: EventPatch,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Result<Event, Invalid>>, StoreError> {
        retried!(self, "update_event", b => b.update_event(id, patch.clone(), actor, now))
    }

    /// Deletes an event and, by cascade, its bookings. `false` if it did not exist.
    pub async fn delete_event(
        &self,
        id: EventId,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        retried!(self, "delete_event", b => b.delete_event(id, actor, now))
    }

    /// Records `file` (already in the object store) as the event's attachment and
    /// `event.updated` in the outbox; `None` if the event does not exist.
    pub async fn set_attachment(
        &self,
        id: EventId,
        file: &boxoffice_domain::Attachment,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<AttachmentChange>, StoreError> {
        dispatch!(self, b => b.set_attachment(id, file, actor, now).await)
    }

    /// Forgets the event's attachment (recording `event.updated` if there was one);
    /// `None` if the event does not exist.
    pub async fn remove_attachment(
        &self,
        id: EventId,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<AttachmentChange>, StoreError> {
        dispatch!(self, b => b.remove_attachment(id, actor, now).await)
    }

    /// Attendees holding confirmed bookings for an event; `None` if the event does not exist.
    pub async fn event_attendees(
        &self,
        id: EventId,
        page: PageRequest,
    ) -> Result<Option<Page<Attendee>>, StoreError> {
        dispatch!(self, b => b.event_attendees(id, page).await)
    }

    /// Registers an attendee; [`StoreError::EmailTaken`] if the address is known.
    pub async fn create_attendee(
        &self,
        attendee: &NewAttendee,
        token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Attendee, StoreError> {
        retried!(self, "create_attendee", b => b.create_attendee(attendee, token, now))
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

    pub async fn update_attendee(
        &self,
        id: AttendeeId,
        patch: AttendeePatch,
        now: DateTime<Utc>,
    ) -> Result<Option<Attendee>, StoreError> {
        retried!(self, "update_attendee", b => b.update_attendee(id, patch.clone(), now))
    }

    /// Erases an attendee and their bookings, freeing the seats they held.
    pub async fn delete_attendee(
        &self,
        id: AttendeeId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        retried!(self, "delete_attendee", b => b.delete_attendee(id, now))
    }

    /// Books one seat in one transaction: the seat counter, the booking row and
    /// the idempotency record commit together or not at all.
    pub async fn book(
        &self,
        event: EventId,
        who: &BookingFor,
        cancel_token: &SecretHash,
        idempotency: Option<(&IdempotencyKey, RenderResponse<'_>)>,
        now: DateTime<Utc>,
    ) -> Result<BookingOutcome, StoreError> {
        retried!(self, "book", b => b.book(event, who, cancel_token, idempotency, now))
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

    /// Cancels a booking, freeing its seat once; repeating it changes nothing.
    /// `actor` is who cancels; the attendee's name when `None`.
    pub async fn cancel_booking(
        &self,
        id: BookingId,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError> {
        retried!(self, "cancel_booking", b => b.cancel_booking(id, actor, now))
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

    /// Woken after every commit of this process that wrote to the outbox.
    pub fn outbox_signal(&self) -> std::sync::Arc<tokio::sync::Notify> {
        dispatch!(self, b => b.outbox_signal().clone())
    }

    /// Claims up to `limit` unpublished outbox messages for `lease`.
    pub async fn claim_outbox(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        dispatch!(self, b => b.claim_outbox(limit, now, lease).await)
    }

    /// Marks outbox messages published.
    pub async fn mark_published(&self, ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
        dispatch!(self, b => b.mark_published(ids, now).await)
    }

    pub async fn release_claims(&self, ids: &[i64]) -> Result<(), StoreError> {
        dispatch!(self, b => b.release_claims(ids).await)
    }

    /// Unpublished messages and the age of the oldest, in seconds.
    pub async fn outbox_backlog(&self, now: DateTime<Utc>) -> Result<(i64, f64), StoreError> {
        dispatch!(self, b => b.outbox_backlog(now).await)
    }

    /// Forgets published messages older than `before`.
    pub async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, b => b.purge_outbox(before).await)
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

// After the dispatch macros, which it uses.
mod notices;
