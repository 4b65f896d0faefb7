//! The SQL of the webhook worker: the fan-out of outbox rows into deliveries, the senders'
//! claims and outcomes, the backlog, and the purge of settled deliveries.

use super::webhooks::{corrupt, parse_types};
use super::{Pools, SKIP_LOCKED};
use crate::webhooks::{DueDelivery, FannedOut, SendOutcome};
use crate::{StoreError, rows::BacklogRow};
use boxoffice_domain::{
    DomainEvent, WebhookDeliveryId, WebhookSecret, new_webhook_message_id, webhook_payload,
};
use chrono::{DateTime, Utc};

#[derive(Debug, sqlx::FromRow)]
struct DueRow {
    id: i64,
    webhook_message_id: String,
    payload: String,
    attempts: i32,
    url: String,
    secret: String,
}

impl Pools {
    /// Turns up to `limit` outbox rows into their deliveries, one per matching endpoint, and
    /// marks them done, in one transaction: rows locked by another process are skipped, and
    /// `webhook_deliveries_once` holds even if a row were fanned out twice.
    pub(crate) async fn fan_out_webhooks(
        &self,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<FannedOut, StoreError> {
        // A read first: an idle poll never takes SQLite's single writer.
        let waiting: Option<i64> =
            sqlx::query_scalar("SELECT id FROM outbox WHERE webhooks_at IS NULL LIMIT 1")
                .fetch_optional(self.reader())
                .await?;
        if waiting.is_none() {
            return Ok(FannedOut::default());
        }
        let mut tx = self.begin_background().await?;
        let sql = format!(
            "SELECT id, payload FROM outbox WHERE webhooks_at IS NULL ORDER BY id LIMIT $1{SKIP_LOCKED}"
        );
        let rows: Vec<(i64, String)> = sqlx::query_as(&sql).bind(limit).fetch_all(&mut *tx).await?;
        let mut fanned = FannedOut::default();
        for (outbox_id, payload) in &rows {
            let change: DomainEvent = match serde_json::from_str(payload) {
                Ok(change) => change,
                Err(err) => {
                    tracing::error!(outbox.id = outbox_id, error = %err, "malformed domain event; no webhooks");
                    fanned.malformed += 1;
                    continue;
                }
            };
            // An event's own endpoints, whoever registered them, and its owner's account-wide ones.
            let endpoints: Vec<(i64, Option<String>)> = sqlx::query_as(
                "SELECT id, event_types FROM webhooks \
                 WHERE event_id = $1 OR (event_id IS NULL AND owner_id = $2) ORDER BY id",
            )
            .bind(change.event_id.0)
            .bind(change.owner_id.map(|o| o.0))
            .fetch_all(&mut *tx)
            .await?;
            let body = webhook_payload(&change);
            for (webhook_id, types) in endpoints {
                if !parse_types(webhook_id, types.as_deref())?.includes(change.kind.as_str()) {
                    continue;
                }
                let inserted = sqlx::query(
                    "INSERT INTO webhook_deliveries (webhook_id, message_id, webhook_message_id, event_type, \
                     payload, status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) \
                     ON CONFLICT (webhook_id, message_id) DO NOTHING",
                )
                .bind(webhook_id)
                .bind(&change.id)
                .bind(new_webhook_message_id())
                .bind(change.kind.as_str())
                .bind(&body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                fanned.deliveries += inserted.rows_affected();
            }
        }
        for (outbox_id, _) in &rows {
            sqlx::query("UPDATE outbox SET webhooks_at = $1 WHERE id = $2")
                .bind(now)
                .bind(outbox_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        fanned.messages = rows.len();
        Ok(fanned)
    }

    /// Takes up to `limit` due deliveries until `claim` (their lease, also the token their
    /// outcome is recorded with), counting the attempt; other senders skip them meanwhile.
    pub(crate) async fn claim_webhook_deliveries(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        claim: DateTime<Utc>,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let due = "status = 'pending' AND next_attempt_at <= $2 \
                   AND (claimed_until IS NULL OR claimed_until < $2)";
        // A read first: an idle poll never takes SQLite's single writer.
        let probe = format!(
            "SELECT id FROM webhook_deliveries WHERE {} LIMIT 1",
            due.replace("$2", "$1")
        );
        let waiting: Option<i64> = sqlx::query_scalar(&probe)
            .bind(now)
            .fetch_optional(self.reader())
            .await?;
        if waiting.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_background().await?;
        // Picked once, conditions checked again by the UPDATE (as the outbox relay does).
        let sql = format!(
            "WITH picked AS MATERIALIZED \
             (SELECT id FROM webhook_deliveries WHERE {due} ORDER BY next_attempt_at, id LIMIT $3{SKIP_LOCKED}) \
             UPDATE webhook_deliveries SET claimed_until = $1, attempts = attempts + 1 \
             WHERE {due} AND id IN (SELECT id FROM picked) RETURNING id"
        );
        let ids: Vec<i64> = sqlx::query_scalar(&sql)
            .bind(claim)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        let mut due_deliveries = Vec::with_capacity(ids.len());
        for id in ids {
            let row: DueRow = sqlx::query_as(
                "SELECT d.id, d.webhook_message_id, d.payload, d.attempts, w.url, w.secret \
                 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let secret =
                WebhookSecret::restore(row.secret).map_err(|e| corrupt("webhook", row.id, e))?;
            due_deliveries.push(DueDelivery {
                id: WebhookDeliveryId(row.id),
                message_id: row.webhook_message_id,
                payload: row.payload,
                attempts: u32::try_from(row.attempts).unwrap_or(0),
                url: row.url,
                secret,
                claim,
            });
        }
        tx.commit().await?;
        Ok(due_deliveries)
    }

    /// Records how an attempt ended; `false` if the claim was lost (replayed or taken over
    /// meanwhile), and then nothing is written.
    pub(crate) async fn finish_webhook_attempt(
        &self,
        delivery: &DueDelivery,
        outcome: &SendOutcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (status, next, delivered) = match outcome.retry_at {
            _ if outcome.delivered => ("delivered", None, Some(now)),
            Some(at) => ("pending", Some(at), None),
            None => ("failed", None, None),
        };
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, delivered_at = $5, \
             last_response_code = $6, last_error = $7, claimed_until = NULL \
             WHERE id = $1 AND claimed_until = $2",
        )
        .bind(delivery.id.0)
        .bind(delivery.claim)
        .bind(status)
        .bind(next)
        .bind(delivered)
        .bind(outcome.response_code)
        .bind(outcome.error.as_deref())
        .execute(self.background())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets delivered and failed deliveries created before `before`; pending ones stay.
    pub(crate) async fn purge_webhook_deliveries(
        &self,
        before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1",
        )
        .bind(before)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected())
    }

    /// Deliveries waiting to be sent, and the age in seconds of the oldest.
    pub(crate) async fn webhook_backlog(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(i64, f64), StoreError> {
        let BacklogRow { count, oldest } = sqlx::query_as(
            "SELECT count(*) AS count, min(created_at) AS oldest FROM webhook_deliveries WHERE status = 'pending'",
        )
        .fetch_one(self.reader())
        .await?;
        let age = oldest.map_or(0.0, |t| (now - t).num_milliseconds() as f64 / 1000.0);
        Ok((count, age.max(0.0)))
    }
}
