//! Notifications: event subscriptions, and each user's history.

use super::{Pools, Tx};
use crate::rows::NotificationRow;
use crate::{NotificationRecord, StoreError};
use boxoffice_domain::{Audience, DomainEvent, EventId, Page, PageRequest, UserId};
use chrono::{DateTime, Utc};

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

impl Pools {
    /// Follows an event; `false` if the event does not exist.
    pub(crate) async fn subscribe(
        &self,
        user: UserId,
        event: EventId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM events WHERE id = $1")
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
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM events WHERE id = $1")
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
    /// skipped. Returns how many were new.
    pub(crate) async fn record_notifications(
        &self,
        changes: &[DomainEvent],
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut recorded = 0;
        for change in changes {
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO notifications (message_id, notification_type, event_id, event_title, actor, for_everyone, occurred_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(&change.id)
            .bind(change.kind.as_str())
            .bind(change.event_id.0)
            .bind(&change.event_title)
            .bind(change.actor.as_deref())
            .bind(change.audience == Audience::Everyone)
            .bind(change.occurred_at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = inserted else {
                continue;
            };
            recorded += 1;
            if let Audience::Users(users) = &change.audience {
                for user in users {
                    // A recipient whose account is gone is skipped, not an error.
                    sqlx::query(
                        "INSERT INTO notification_recipients (notification_id, user_id) \
                         SELECT $1, id FROM users WHERE id = $2 ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                }
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
