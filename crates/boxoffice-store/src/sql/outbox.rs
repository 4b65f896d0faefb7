//! The outbox: domain events written with every change, and the relay's claims on them.

use super::{Pools, SKIP_LOCKED, Tx};
use crate::rows::BacklogRow;
use crate::{OutboxMessage, Routing, StoreError, UnroutedMessage};
use boxoffice_domain::DomainEvent;
use chrono::{DateTime, Utc};

/// A published message awaiting its deliveries, as claimed.
#[derive(sqlx::FromRow)]
struct UnroutedRow {
    #[sqlx(flatten)]
    message: OutboxMessage,
    attempts: i32,
}

impl UnroutedRow {
    fn into_message(self) -> UnroutedMessage {
        UnroutedMessage {
            message: self.message,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
        }
    }
}

/// A domain event appended to the outbox.
pub(crate) const INSERT_OUTBOX: &str =
    "INSERT INTO outbox (message_id, kind, payload, created_at) VALUES ($1, $2, $3, $4)";

/// A domain event as the outbox stores it.
pub(crate) fn payload_of(change: &DomainEvent) -> Result<String, StoreError> {
    serde_json::to_string(change).map_err(|e| StoreError::Corrupt(format!("domain event: {e}")))
}

/// Appends a domain event to the outbox, inside the caller's transaction.
pub(crate) async fn record(tx: &mut Tx<'_>, change: &DomainEvent) -> Result<(), StoreError> {
    let payload = payload_of(change)?;
    sqlx::query(INSERT_OUTBOX)
        .bind(&change.id)
        .bind(change.kind.as_str())
        .bind(payload)
        .bind(change.occurred_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Pools {
    /// Takes up to `limit` unpublished messages for `lease`, oldest first; other relays skip them meanwhile.
    pub(crate) async fn claim_outbox(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut tx = self.begin_background().await?;
        // The batch is picked once, in a materialized CTE: as a plain `IN (subquery)`,
        // PostgreSQL may evaluate the LIMITed, SKIP LOCKED subquery more than once and
        // claim more than `limit` rows. The conditions are repeated in the UPDATE so that
        // PostgreSQL re-checks them on rows another relay claimed while this statement waited.
        let sql = format!(
            "WITH picked AS MATERIALIZED \
             (SELECT id FROM outbox WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2) \
              ORDER BY id LIMIT $3{SKIP_LOCKED}) \
             UPDATE outbox SET claimed_until = $1 \
             WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2) \
             AND id IN (SELECT id FROM picked) \
             RETURNING id, message_id, kind, payload"
        );
        let mut rows: Vec<OutboxMessage> = sqlx::query_as(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.sort_by_key(|row| row.id);
        Ok(rows)
    }

    /// Marks messages published, in one statement; also routed when the broker keeps the
    /// deliveries queue itself.
    pub(crate) async fn mark_published(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
        routing: Routing,
    ) -> Result<(), StoreError> {
        // On RabbitMQ the broker's durable queue takes the deliveries from here.
        let set = match routing {
            Routing::OnPublish => "claimed_until = NULL, published_at = $1, routed_at = $1",
            Routing::FromOutbox => "claimed_until = NULL, published_at = $1",
        };
        self.update_listed(set, "", now, ids).await
    }

    /// Takes up to `limit` published messages whose deliveries are not yet routed, for
    /// `lease`, oldest first, counting the attempt; other routing loops skip them meanwhile.
    pub(crate) async fn claim_unrouted(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<UnroutedMessage>, StoreError> {
        let mut tx = self.begin_background().await?;
        // As in `claim_outbox`: picked once, conditions checked again by the UPDATE.
        let sql = format!(
            "WITH picked AS MATERIALIZED \
             (SELECT id FROM outbox WHERE published_at IS NOT NULL AND routed_at IS NULL \
              AND (routing_claimed_until IS NULL OR routing_claimed_until < $2) \
              ORDER BY id LIMIT $3{SKIP_LOCKED}) \
             UPDATE outbox SET routing_claimed_until = $1, routing_attempts = routing_attempts + 1 \
             WHERE published_at IS NOT NULL AND routed_at IS NULL \
             AND (routing_claimed_until IS NULL OR routing_claimed_until < $2) \
             AND id IN (SELECT id FROM picked) \
             RETURNING id, message_id, kind, payload, routing_attempts AS attempts"
        );
        let mut rows: Vec<UnroutedRow> = sqlx::query_as(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.sort_by_key(|row| row.message.id);
        Ok(rows.into_iter().map(UnroutedRow::into_message).collect())
    }

    /// Marks messages routed: their deliveries are recorded (sent, skipped or failed for good).
    pub(crate) async fn mark_routed(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.update_listed("routing_claimed_until = NULL, routed_at = $1", "", now, ids)
            .await
    }

    /// Routes messages again no sooner than `not_before`.
    pub(crate) async fn defer_routing(
        &self,
        ids: &[i64],
        not_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let set = "routing_claimed_until = $1";
        self.update_listed(set, "routed_at IS NULL AND ", not_before, ids)
            .await
    }

    /// `UPDATE outbox SET {set} WHERE {condition}id IN (ids)`, in one statement, with `at`
    /// bound as `$1`.
    async fn update_listed(
        &self,
        set: &str,
        condition: &str,
        at: DateTime<Utc>,
        ids: &[i64],
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = (2..ids.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "UPDATE outbox SET {set} WHERE {condition}id IN ({})",
            list.join(", ")
        );
        let mut update = sqlx::query(&sql).bind(at);
        for id in ids {
            update = update.bind(*id);
        }
        update.execute(self.background()).await?;
        Ok(())
    }

    /// Gives claimed messages back, so the next attempt need not wait for the lease.
    pub(crate) async fn release_claims(&self, ids: &[i64]) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query(
                "UPDATE outbox SET claimed_until = NULL WHERE id = $1 AND published_at IS NULL",
            )
            .bind(id)
            .execute(self.background())
            .await?;
        }
        Ok(())
    }

    /// Messages not yet published, and the age in seconds of the oldest.
    pub(crate) async fn outbox_backlog(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(i64, f64), StoreError> {
        self.backlog("published_at IS NULL", now).await
    }

    /// Published messages whose deliveries are not yet routed, and the age in seconds of the
    /// oldest (since it was written).
    pub(crate) async fn routing_backlog(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(i64, f64), StoreError> {
        self.backlog("published_at IS NOT NULL AND routed_at IS NULL", now)
            .await
    }

    /// How many rows match `pending`, and the age in seconds of the oldest.
    async fn backlog(&self, pending: &str, now: DateTime<Utc>) -> Result<(i64, f64), StoreError> {
        let sql = format!(
            "SELECT count(*) AS count, min(created_at) AS oldest FROM outbox WHERE {pending}"
        );
        let BacklogRow { count, oldest } = sqlx::query_as(&sql).fetch_one(self.reader()).await?;
        let age = oldest.map_or(0.0, |t| (now - t).num_milliseconds() as f64 / 1000.0);
        Ok((count, age.max(0.0)))
    }

    pub(crate) async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM outbox WHERE published_at IS NOT NULL AND routed_at IS NOT NULL \
                 AND webhooks_at IS NOT NULL AND published_at < $1",
        )
        .bind(before)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected())
    }
}
