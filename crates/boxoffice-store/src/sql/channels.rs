//! The SQL of notification channels: channel preferences, delivery attempts, and
//! attendees' sign-in links.

use super::{Pools, Tx};
use crate::{ChannelPreferences, DeliveryRecord, StoreError};
use boxoffice_domain::{AttendeeId, EventId, SecretHash, UserId};
use chrono::{DateTime, Utc};

/// Attendees holding a confirmed booking of `event`, read before a deletion removes the bookings.
pub(crate) async fn confirmed_attendees(
    tx: &mut Tx<'_>,
    event: EventId,
) -> Result<Vec<AttendeeId>, StoreError> {
    let rows: Vec<i64> = sqlx::query_scalar(
        "SELECT attendee_id FROM bookings WHERE event_id = $1 AND status = 'confirmed' ORDER BY id",
    )
    .bind(event.0)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(AttendeeId).collect())
}

#[derive(Debug, sqlx::FromRow)]
struct PreferenceRow {
    websocket: bool,
    email: bool,
    push: bool,
}

impl From<PreferenceRow> for ChannelPreferences {
    fn from(row: PreferenceRow) -> Self {
        ChannelPreferences {
            websocket: row.websocket,
            email: row.email,
            push: row.push,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct UserPreferenceRow {
    #[sqlx(flatten)]
    channels: PreferenceRow,
    locale: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct DeliveryRow {
    message_id: String,
    notice: String,
    channel: String,
    recipient: String,
    status: String,
    error: Option<String>,
    attempts: i32,
}

impl TryFrom<DeliveryRow> for DeliveryRecord {
    type Error = StoreError;

    /// Channel and status are text in the table; anything else than their names was
    /// written behind the application's back.
    fn try_from(row: DeliveryRow) -> Result<Self, StoreError> {
        let bad = |reason: String| {
            StoreError::Corrupt(format!("delivery attempt of {}: {reason}", row.message_id))
        };
        Ok(DeliveryRecord {
            channel: row.channel.parse().map_err(bad)?,
            status: row.status.parse().map_err(bad)?,
            message_id: row.message_id,
            notice: row.notice,
            recipient: row.recipient,
            error: row.error,
            attempts: row.attempts,
        })
    }
}

impl Pools {
    pub(crate) async fn user_preferences(
        &self,
        user: UserId,
    ) -> Result<(ChannelPreferences, Option<String>), StoreError> {
        let row: Option<UserPreferenceRow> = sqlx::query_as(
            "SELECT websocket, email, push, locale FROM user_notification_preferences WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(self.reader())
        .await?;
        Ok(match row {
            Some(row) => (row.channels.into(), row.locale),
            None => (ChannelPreferences::default(), None),
        })
    }

    pub(crate) async fn set_user_preferences(
        &self,
        user: UserId,
        chosen: ChannelPreferences,
        locale: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_notification_preferences (user_id, websocket, email, push, locale, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (user_id) DO UPDATE SET websocket = excluded.websocket, email = excluded.email, \
             push = excluded.push, locale = excluded.locale, updated_at = excluded.updated_at",
        )
        .bind(user.0)
        .bind(chosen.websocket)
        .bind(chosen.email)
        .bind(chosen.push)
        .bind(locale)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub(crate) async fn attendee_preferences(
        &self,
        attendee: AttendeeId,
    ) -> Result<ChannelPreferences, StoreError> {
        let row: Option<PreferenceRow> = sqlx::query_as(
            "SELECT websocket, email, push FROM attendee_notification_preferences WHERE attendee_id = $1",
        )
        .bind(attendee.0)
        .fetch_optional(self.reader())
        .await?;
        Ok(row.map(ChannelPreferences::from).unwrap_or_default())
    }

    /// Sets an attendee's channels and, when given, their language (kept on the attendee).
    pub(crate) async fn set_attendee_preferences(
        &self,
        attendee: AttendeeId,
        chosen: ChannelPreferences,
        locale: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO attendee_notification_preferences (attendee_id, websocket, email, push, updated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (attendee_id) DO UPDATE SET websocket = excluded.websocket, \
             email = excluded.email, push = excluded.push, updated_at = excluded.updated_at",
        )
        .bind(attendee.0)
        .bind(chosen.websocket)
        .bind(chosen.email)
        .bind(chosen.push)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(locale) = locale {
            sqlx::query("UPDATE attendees SET locale = $1, updated_at = $2 WHERE id = $3")
                .bind(locale)
                .bind(now)
                .bind(attendee.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records an attempt; a later attempt at the same delivery replaces it.
    pub(crate) async fn record_delivery(
        &self,
        record: &DeliveryRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO delivery_attempts (message_id, notice, channel, recipient, status, error, attempts, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (message_id, notice, channel, recipient) DO UPDATE SET status = excluded.status, \
             error = excluded.error, attempts = excluded.attempts, updated_at = excluded.updated_at",
        )
        .bind(&record.message_id)
        .bind(&record.notice)
        .bind(record.channel.as_str())
        .bind(&record.recipient)
        .bind(record.status.as_str())
        .bind(&record.error)
        .bind(record.attempts)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The attempts recorded for one domain event (or sign-in link), in a stable order.
    pub(crate) async fn deliveries_of(
        &self,
        message_id: &str,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT message_id, notice, channel, recipient, status, error, attempts \
             FROM delivery_attempts WHERE message_id = $1 ORDER BY notice, channel, recipient",
        )
        .bind(message_id)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(DeliveryRecord::try_from).collect()
    }

    /// The latest `limit` attempts, newest first.
    pub(crate) async fn recent_deliveries(
        &self,
        limit: i64,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT message_id, notice, channel, recipient, status, error, attempts \
             FROM delivery_attempts ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(DeliveryRecord::try_from).collect()
    }

    pub(crate) async fn create_magic_link(
        &self,
        attendee: AttendeeId,
        token: &SecretHash,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO magic_links (token_hash, attendee_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&token.0)
        .bind(attendee.0)
        .bind(now)
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Uses a sign-in link: marks it used and gives the attendee a new management token
    /// (only its hash is stored, so the old one cannot be handed back). `None` when the
    /// link is unknown, used or expired. One conditional update decides, so a link
    /// followed twice at once signs in once.
    pub(crate) async fn redeem_magic_link(
        &self,
        token: &SecretHash,
        new_attendee_token: &SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Option<AttendeeId>, StoreError> {
        let mut tx = self.begin_write().await?;
        let used: Option<i64> = sqlx::query_scalar(
            "UPDATE magic_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING attendee_id",
        )
        .bind(now)
        .bind(&token.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(attendee) = used else {
            tx.rollback().await?;
            return Ok(None);
        };
        sqlx::query("UPDATE attendees SET token_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(&new_attendee_token.0)
            .bind(now)
            .bind(attendee)
            .execute(&mut *tx)
            .await?;
        // Links are single-use and short-lived: nothing older than a day is worth keeping.
        sqlx::query("DELETE FROM magic_links WHERE expires_at < $1")
            .bind(now - chrono::Duration::days(1))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(AttendeeId(attendee)))
    }
}

impl Pools {
    /// The attendee with this e-mail address, any case.
    pub(crate) async fn attendee_by_email(
        &self,
        email: &str,
    ) -> Result<Option<AttendeeId>, StoreError> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM attendees WHERE lower(email) = lower($1)")
                .bind(email)
                .fetch_optional(self.reader())
                .await?;
        Ok(id.map(AttendeeId))
    }
}
