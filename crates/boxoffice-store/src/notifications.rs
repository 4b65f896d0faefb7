//! The SQL of notifications, compiled for each backend like `queries.rs`:
//! the outbox written with every change, the relay's claims on it,
//! event subscriptions, and the notification history.

use super::{Backend, Db, SKIP_LOCKED};
use crate::rows::NotificationRow;
use crate::{NotificationRecord, OutboxMessage, StoreError};
use boxoffice_domain::{
    Audience, BookingId, DomainEvent, DomainEventKind, Event, EventId, Page, PageRequest,
    SeatCounts, UserId,
};
use chrono::{DateTime, Utc};
use sqlx::Transaction;

type Tx<'t> = Transaction<'t, Db>;

/// Rows per multi-row statement of the notification history: far below the bind-parameter
/// limits of both databases, and below SQLite's 500 terms of a compound SELECT.
const ROWS_PER_STATEMENT: usize = 200;

/// Appends a domain event to the outbox, inside the caller's transaction.
pub(super) async fn record(tx: &mut Tx<'_>, change: &DomainEvent) -> Result<(), StoreError> {
    let payload = serde_json::to_string(change)
        .map_err(|e| StoreError::Corrupt(format!("domain event: {e}")))?;
    sqlx::query(
        "INSERT INTO outbox (message_id, kind, payload, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&change.id)
    .bind(change.kind.as_str())
    .bind(payload)
    .bind(change.occurred_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Users following an event.
pub(super) async fn subscribers_of(
    tx: &mut Tx<'_>,
    event: EventId,
) -> Result<Vec<UserId>, StoreError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM event_subscriptions WHERE event_id = $1 ORDER BY user_id",
    )
    .bind(event.0)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| UserId(id)).collect())
}

/// The owner plus `users`, without duplicates.
fn with_owner(mut users: Vec<UserId>, owner: Option<UserId>) -> Audience {
    if let Some(owner) = owner
        && !users.contains(&owner)
    {
        users.push(owner);
    }
    Audience::Users(users)
}

/// The domain event for a created, updated or deleted event.
pub(super) async fn event_change(
    tx: &mut Tx<'_>,
    kind: DomainEventKind,
    event: &Event,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DomainEvent, StoreError> {
    let mut change = DomainEvent::new(kind, now, event.id, event.content.title.as_str());
    change.actor = actor.map(str::to_owned);
    change.owner_id = event.owner_id;
    change.audience = match kind {
        DomainEventKind::EventCreated => Audience::Everyone,
        _ => with_owner(subscribers_of(tx, event.id).await?, event.owner_id),
    };
    if kind != DomainEventKind::EventDeleted {
        change.seats = Some(SeatCounts {
            capacity: event.content.capacity.map(|c| c.get()),
            seats_booked: event.seats_booked,
        });
    }
    Ok(change)
}

/// An event as a seat update left it: `RETURNING title, owner_id, capacity, seats_booked`.
pub(super) type SeatState = (String, Option<i64>, Option<i32>, i32);

/// The SQL suffix that returns a [`SeatState`] from an `UPDATE events`.
pub(super) const RETURNING_SEAT_STATE: &str = " RETURNING title, owner_id, capacity, seats_booked";

/// The domain event for a booking made or cancelled; told to the event's owner.
pub(super) fn booking_change(
    kind: DomainEventKind,
    booking: BookingId,
    event: EventId,
    (title, owner, capacity, seats_booked): SeatState,
    actor: Option<&str>,
    now: DateTime<Utc>,
) -> DomainEvent {
    let mut change = DomainEvent::new(kind, now, event, title);
    change.actor = actor.map(str::to_owned);
    change.owner_id = owner.map(UserId);
    change.audience = with_owner(Vec::new(), change.owner_id);
    change.seats = Some(SeatCounts {
        capacity,
        seats_booked,
    });
    change.booking_id = Some(booking);
    change
}

impl Backend {
    /// Takes up to `limit` unpublished messages for `lease`, oldest first; other relays skip them meanwhile.
    pub(crate) async fn claim_outbox(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut tx = self.begin_write().await?;
        // The conditions are repeated outside the subquery so that PostgreSQL re-checks
        // them on rows another relay claimed while this statement waited.
        let sql = format!(
            "UPDATE outbox SET claimed_until = $1 \
             WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2) AND id IN \
             (SELECT id FROM outbox WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2) \
              ORDER BY id LIMIT $3{SKIP_LOCKED}) \
             RETURNING id, message_id, kind, payload"
        );
        let mut rows: Vec<(i64, String, String, String)> = sqlx::query_as(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.sort_by_key(|row| row.0);
        Ok(rows
            .into_iter()
            .map(|(id, message_id, kind, payload)| OutboxMessage {
                id,
                message_id,
                kind,
                payload,
            })
            .collect())
    }

    /// Marks messages published, in one statement.
    pub(crate) async fn mark_published(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut update = sqlx::QueryBuilder::<Db>::new(
            "UPDATE outbox SET claimed_until = NULL, published_at = ",
        );
        update.push_bind(now).push(" WHERE id IN (");
        let mut list = update.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        update.push(")");
        update.build().execute(self.writer()).await?;
        Ok(())
    }

    /// Gives claimed messages back, so the next attempt need not wait for the lease.
    pub(crate) async fn release_claims(&self, ids: &[i64]) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query(
                "UPDATE outbox SET claimed_until = NULL WHERE id = $1 AND published_at IS NULL",
            )
            .bind(id)
            .execute(self.writer())
            .await?;
        }
        Ok(())
    }

    /// Messages not yet published, and the age in seconds of the oldest.
    pub(crate) async fn outbox_backlog(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(i64, f64), StoreError> {
        let (count, oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
            "SELECT count(*), min(created_at) FROM outbox WHERE published_at IS NULL",
        )
        .fetch_one(self.reader())
        .await?;
        let age = oldest.map_or(0.0, |t| (now - t).num_milliseconds() as f64 / 1000.0);
        Ok((count, age.max(0.0)))
    }

    pub(crate) async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $1")
                .bind(before)
                .execute(self.writer())
                .await?;
        Ok(done.rows_affected())
    }

    /// Follows an event; `false` if the event does not exist.
    pub(crate) async fn subscribe(
        &self,
        user: UserId,
        event: EventId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM events WHERE id = $1")
            .bind(event.0)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(false);
        }
        sqlx::query("INSERT INTO event_subscriptions (user_id, event_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(user.0)
            .bind(event.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stops following an event; `false` if the event does not exist.
    pub(crate) async fn unsubscribe(
        &self,
        user: UserId,
        event: EventId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM events WHERE id = $1")
            .bind(event.0)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM event_subscriptions WHERE user_id = $1 AND event_id = $2")
            .bind(user.0)
            .bind(event.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(exists.is_some())
    }

    /// Stores notifications in one transaction, each once: a domain event recorded before is
    /// skipped. Returns how many were new. Multi-row statements: a batch of hundreds costs a
    /// few round trips to the database, not two per notification.
    pub(crate) async fn record_notifications(
        &self,
        changes: &[DomainEvent],
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut recorded = 0;
        for chunk in changes.chunks(ROWS_PER_STATEMENT) {
            let mut insert = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO notifications (message_id, notification_type, event_id, event_title, actor, for_everyone, occurred_at) ",
            );
            insert.push_values(chunk, |mut row, change| {
                row.push_bind(change.id.clone())
                    .push_bind(change.kind.as_str())
                    .push_bind(change.event_id.0)
                    .push_bind(change.event_title.clone())
                    .push_bind(change.actor.clone())
                    .push_bind(change.audience == Audience::Everyone)
                    .push_bind(change.occurred_at);
            });
            insert.push(" ON CONFLICT DO NOTHING RETURNING id, message_id");
            let inserted: Vec<(i64, String)> = insert.build_query_as().fetch_all(&mut *tx).await?;
            recorded += inserted.len();
            // Recipients of the notifications inserted just now; a redelivered message has none to add.
            let ids: std::collections::HashMap<&str, i64> = inserted
                .iter()
                .map(|(id, message)| (message.as_str(), *id))
                .collect();
            let recipients: Vec<(i64, i64)> = chunk
                .iter()
                .filter_map(|change| match &change.audience {
                    Audience::Users(users) => Some((ids.get(change.id.as_str())?, users)),
                    Audience::Everyone => None,
                })
                .flat_map(|(id, users)| users.iter().map(move |user| (*id, user.0)))
                .collect();
            for pairs in recipients.chunks(ROWS_PER_STATEMENT) {
                // A recipient whose account is gone is skipped, not an error.
                let mut insert = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO notification_recipients (notification_id, user_id) ",
                );
                for (i, (notification, user)) in pairs.iter().enumerate() {
                    if i > 0 {
                        insert.push(" UNION ALL ");
                    }
                    insert
                        .push("SELECT ")
                        .push_bind(*notification)
                        .push(", id FROM users WHERE id = ")
                        .push_bind(*user);
                }
                insert.push(" ON CONFLICT DO NOTHING");
                insert.build().execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// A user's notifications, newest first: those for everyone since the account exists, and their own.
    pub(crate) async fn list_notifications(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<NotificationRecord>, StoreError> {
        let visible = "FROM notifications n WHERE (n.for_everyone = $1 AND n.occurred_at >= \
             (SELECT created_at FROM users WHERE id = $2)) OR EXISTS \
             (SELECT 1 FROM notification_recipients r WHERE r.notification_id = n.id AND r.user_id = $2)";
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT count(*) {visible}"))
            .bind(true)
            .bind(user.0)
            .fetch_one(self.reader())
            .await?;
        let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
            "SELECT n.message_id, n.notification_type, n.event_id, n.event_title, n.actor, n.occurred_at {visible} \
             ORDER BY n.occurred_at DESC, n.id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(true)
        .bind(user.0)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.reader())
        .await?;
        let items = rows
            .into_iter()
            .map(NotificationRow::into_record)
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            total,
            request: page,
        })
    }
}
