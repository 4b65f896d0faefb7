//! The SQL of webhook endpoints: registration, changes, their delivery log and replays.
//! What the webhook worker runs is in `webhook_sending.rs`.

use super::{Pools, page_of};
use crate::StoreError;
use boxoffice_domain::{
    EventId, EventTypes, NewWebhook, Page, PageRequest, UserId, Webhook, WebhookDelivery,
    WebhookDeliveryId, WebhookDeliveryStatus, WebhookId, WebhookPatch, WebhookSecret, WebhookUrl,
};
use chrono::{DateTime, Utc};

const WEBHOOK_COLUMNS: &str =
    "id, owner_id, event_id, url, event_types, description, created_at, updated_at";

const DELIVERY_COLUMNS: &str = "id, webhook_id, webhook_message_id, event_type, payload, status, \
     attempts, last_response_code, last_error, next_attempt_at, created_at, delivered_at";

pub(super) fn corrupt(what: &str, id: i64, reason: impl std::fmt::Display) -> StoreError {
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

pub(super) fn parse_types(id: i64, column: Option<&str>) -> Result<EventTypes, StoreError> {
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
}
