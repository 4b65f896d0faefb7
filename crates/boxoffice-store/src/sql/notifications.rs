//! Notifications: event subscriptions, and each user's history.

use super::{Db, Pools, Tx};
use crate::rows::{InsertedNotification, NotificationRow};
use crate::{NotificationRecord, StoreError};
use boxoffice_domain::{Audience, DomainEvent, EventId, Page, PageRequest, UserId};
use chrono::{DateTime, Utc};

/// Rows per multi-row statement of the notification history: far below the bind-parameter
/// limits of both databases, and below SQLite's 500 terms of a compound SELECT.
const ROWS_PER_STATEMENT: usize = 200;

/// Users following an event.
pub(crate) async fn subscribers_of(
    tx: &mut Tx<'_>,
    event: EventId,
) -> Result<Vec<UserId>, StoreError> {
    let rows: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM event_subscriptions WHERE event_id = $1 ORDER BY user_id",
    )
    .bind(event.0)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(UserId).collect())
}

/// Whether the event exists, read in the transaction.
async fn event_exists(tx: &mut Tx<'_>, event: EventId) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM events WHERE id = $1")
        .bind(event.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

impl Pools {
    /// Follows an event; `false` if the event does not exist.
    pub(crate) async fn subscribe(
        &self,
        user: UserId,
        event: EventId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        if !event_exists(&mut tx, event).await? {
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
        let exists = event_exists(&mut tx, event).await?;
        sqlx::query("DELETE FROM event_subscriptions WHERE user_id = $1 AND event_id = $2")
            .bind(user.0)
            .bind(event.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(exists)
    }

    /// Stores notifications in one transaction, each once: a domain event recorded before is
    /// skipped. Returns how many were new.
    pub(crate) async fn record_notifications(
        &self,
        changes: &[DomainEvent],
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_background().await?;
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
            let inserted: Vec<InsertedNotification> =
                insert.build_query_as().fetch_all(&mut *tx).await?;
            recorded += inserted.len();
            // Recipients of the notifications inserted just now; a redelivered message has none to add.
            let ids: std::collections::HashMap<&str, i64> = inserted
                .iter()
                .map(|row| (row.message_id.as_str(), row.id))
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
        let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) {visible}"))
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
