//! The SQL of webhook endpoints and their deliveries: registration, the fan-out of outbox
//! rows into deliveries, and the senders' claims on them.

use super::{Pools, SKIP_LOCKED, page_of};
use crate::webhooks::{DueDelivery, FannedOut, SendOutcome};
use crate::{StoreError, rows::BacklogRow};
use boxoffice_domain::{
    DomainEvent, EventId, EventTypes, NewWebhook, Page, PageRequest, UserId, Webhook,
    WebhookDelivery, WebhookDeliveryId, WebhookDeliveryStatus, WebhookId, WebhookPatch,
    WebhookSecret, WebhookUrl, new_webhook_message_id, webhook_payload,
};
use chrono::{DateTime, Utc};

const WEBHOOK_COLUMNS: &str =
    "id, owner_id, event_id, url, event_types, description, created_at, updated_at";

const DELIVERY_COLUMNS: &str = "id, webhook_id, webhook_message_id, event_type, payload, status, \
     attempts, last_response_code, last_error, next_attempt_at, created_at, delivered_at";

fn corrupt(what: &str, id: i64, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what} {id}: {reason}"))
}

#[derive(Debug, sqlx::FromRow)]
struct WebhookRow {
    id: i64,
    owner_id: i64,
    event_id: Option<i64>,
    url: String,
    event_types: Option<String>,
    description: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// The stored form of `types`: a JSON array, or `NULL` for every kind.
fn types_column(types: &EventTypes) -> Option<String> {
    let names: Vec<&str> = types.kinds().iter().map(|k| k.as_str()).collect();
    (!names.is_empty()).then(|| serde_json::Value::from(names).to_string())
}

fn parse_types(id: i64, column: Option<&str>) -> Result<EventTypes, StoreError> {
    let Some(json) = column else {
        return Ok(EventTypes::every());
    };
    let names: Vec<String> = serde_json::from_str(json).map_err(|e| corrupt("webhook", id, e))?;
    EventTypes::parse(&names).map_err(|e| corrupt("webhook", id, e))
}

impl TryFrom<WebhookRow> for Webhook {
    type Error = StoreError;

    fn try_from(row: WebhookRow) -> Result<Self, StoreError> {
        Ok(Webhook {
            id: WebhookId(row.id),
            owner_id: UserId(row.owner_id),
            event_id: row.event_id.map(EventId),
            url: WebhookUrl::restore(&row.url).map_err(|e| corrupt("webhook", row.id, e))?,
            event_types: parse_types(row.id, row.event_types.as_deref())?,
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    webhook_id: i64,
    webhook_message_id: String,
    event_type: String,
    payload: String,
    status: String,
    attempts: i32,
    last_response_code: Option<i32>,
    last_error: Option<String>,
    next_attempt_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
}

impl TryFrom<DeliveryRow> for WebhookDelivery {
    type Error = StoreError;

    fn try_from(row: DeliveryRow) -> Result<Self, StoreError> {
        let status = WebhookDeliveryStatus::parse(&row.status)
            .ok_or_else(|| corrupt("webhook delivery", row.id, &row.status))?;
        Ok(WebhookDelivery {
            id: WebhookDeliveryId(row.id),
            webhook_id: WebhookId(row.webhook_id),
            message_id: row.webhook_message_id,
            event_type: row.event_type,
            payload: row.payload,
            status,
            attempts: row.attempts,
            last_response_code: row.last_response_code,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at,
            created_at: row.created_at,
            delivered_at: row.delivered_at,
        })
    }
}

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
    pub(crate) async fn insert_webhook(
        &self,
        owner: UserId,
        new: &NewWebhook,
        secret: &WebhookSecret,
        now: DateTime<Utc>,
    ) -> Result<Webhook, StoreError> {
        let sql = format!(
            "INSERT INTO webhooks (owner_id, event_id, url, event_types, description, secret, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {WEBHOOK_COLUMNS}"
        );
        let row: WebhookRow = sqlx::query_as(&sql)
            .bind(owner.0)
            .bind(new.event_id.map(|e| e.0))
            .bind(new.url.as_str())
            .bind(types_column(&new.event_types))
            .bind(new.description.as_deref())
            .bind(secret.expose())
            .bind(now)
            .fetch_one(self.writer())
            .await?;
        row.try_into()
    }

    pub(crate) async fn webhook(&self, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
        let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1");
        let row: Option<WebhookRow> = sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        row.map(Webhook::try_from).transpose()
    }

    pub(crate) async fn list_webhooks(
        &self,
        owner: Option<UserId>,
        page: PageRequest,
    ) -> Result<Page<Webhook>, StoreError> {
        // `$1 IS NULL` lists every owner's (admins).
        let filter = "WHERE (CAST($1 AS BIGINT) IS NULL OR owner_id = $1)";
        let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM webhooks {filter}"))
            .bind(owner.map(|o| o.0))
            .fetch_one(self.reader())
            .await?;
        let sql = format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks {filter} ORDER BY id LIMIT $2 OFFSET $3"
        );
        let rows: Vec<WebhookRow> = sqlx::query_as(&sql)
            .bind(owner.map(|o| o.0))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(self.reader())
            .await?;
        let items = rows
            .into_iter()
            .map(Webhook::try_from)
            .collect::<Result<_, _>>()?;
        Ok(page_of(items, total, page))
    }

    pub(crate) async fn update_webhook(
        &self,
        id: WebhookId,
        patch: &WebhookPatch,
        now: DateTime<Utc>,
    ) -> Result<Option<Webhook>, StoreError> {
        // Each field is replaced only when its flag is set, in one statement.
        let sql = format!(
            "UPDATE webhooks SET \
             url = CASE WHEN $2 THEN $3 ELSE url END, \
             event_types = CASE WHEN $4 THEN $5 ELSE event_types END, \
             description = CASE WHEN $6 THEN $7 ELSE description END, \
             updated_at = $8 WHERE id = $1 RETURNING {WEBHOOK_COLUMNS}"
        );
        let description = patch.description.clone().flatten();
        let row: Option<WebhookRow> = sqlx::query_as(&sql)
            .bind(id.0)
            .bind(patch.url.is_some())
            .bind(patch.url.as_ref().map(WebhookUrl::as_str))
            .bind(patch.event_types.is_some())
            .bind(patch.event_types.as_ref().and_then(types_column))
            .bind(patch.description.is_some())
            .bind(description)
            .bind(now)
            .fetch_optional(self.writer())
            .await?;
        row.map(Webhook::try_from).transpose()
    }

    pub(crate) async fn delete_webhook(&self, id: WebhookId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id.0)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn webhook_deliveries(
        &self,
        webhook: WebhookId,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, StoreError> {
        let total: i64 =
            sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1")
                .bind(webhook.0)
                .fetch_one(self.reader())
                .await?;
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 \
             ORDER BY id DESC LIMIT $2 OFFSET $3"
        );
        let rows: Vec<DeliveryRow> = sqlx::query_as(&sql)
            .bind(webhook.0)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(self.reader())
            .await?;
        let items = rows
            .into_iter()
            .map(WebhookDelivery::try_from)
            .collect::<Result<_, _>>()?;
        Ok(page_of(items, total, page))
    }

    /// Queues a delivery again, due now, with a fresh count of attempts; its `webhook-id`
    /// stays. A send in flight loses its claim, so its outcome is not recorded over this.
    pub(crate) async fn replay_webhook_delivery(
        &self,
        webhook: WebhookId,
        delivery: WebhookDeliveryId,
        now: DateTime<Utc>,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        let sql = format!(
            "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, \
             claimed_until = NULL WHERE id = $1 AND webhook_id = $2 RETURNING {DELIVERY_COLUMNS}"
        );
        let row: Option<DeliveryRow> = sqlx::query_as(&sql)
            .bind(delivery.0)
            .bind(webhook.0)
            .bind(now)
            .fetch_optional(self.writer())
            .await?;
        row.map(WebhookDelivery::try_from).transpose()
    }

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
