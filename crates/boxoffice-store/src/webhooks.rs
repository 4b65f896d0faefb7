//! Webhook endpoints and their deliveries, as the API and the webhook worker see them.
//!
//! Every outbox row is fanned out once into one delivery per matching endpoint (in the
//! notification service, in one transaction per batch); senders then claim due deliveries
//! with a lease, so any number of processes share the work and none sends what another holds.

use crate::{Store, StoreError};
use boxoffice_domain::{
    NewWebhook, Page, PageRequest, UserId, Webhook, WebhookDelivery, WebhookDeliveryId, WebhookId,
    WebhookPatch, WebhookSecret,
};
use chrono::{DateTime, Utc};

/// What one fan-out round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FannedOut {
    /// Outbox rows handled.
    pub messages: usize,
    /// Deliveries created.
    pub deliveries: u64,
    /// Outbox rows that were not a domain event (logged, nothing sent).
    pub malformed: usize,
}

/// A delivery claimed for one attempt: what to send, where, signed with what.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: WebhookDeliveryId,
    /// The `webhook-id` header.
    pub message_id: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
    pub url: String,
    pub secret: WebhookSecret,
    /// The lease, which also identifies this claim when the outcome is recorded.
    pub claim: DateTime<Utc>,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    pub delivered: bool,
    pub response_code: Option<i32>,
    pub error: Option<String>,
    /// When to try again; `None` after a failure: given up.
    pub retry_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Registers an endpoint of `owner`, signed with `secret`.
    pub async fn insert_webhook(
        &self,
        owner: UserId,
        new: &NewWebhook,
        secret: &WebhookSecret,
        now: DateTime<Utc>,
    ) -> Result<Webhook, StoreError> {
        dispatch!(self, b => b.insert_webhook(owner, new, secret, now).await)
    }

    pub async fn webhook(&self, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
        dispatch!(self, b => b.webhook(id).await)
    }

    /// Endpoints of `owner`, or of everyone with `None`, oldest first.
    pub async fn list_webhooks(
        &self,
        owner: Option<UserId>,
        page: PageRequest,
    ) -> Result<Page<Webhook>, StoreError> {
        dispatch!(self, b => b.list_webhooks(owner, page).await)
    }

    /// Applies `patch`; `None` if the endpoint does not exist.
    pub async fn update_webhook(
        &self,
        id: WebhookId,
        patch: &WebhookPatch,
        now: DateTime<Utc>,
    ) -> Result<Option<Webhook>, StoreError> {
        dispatch!(self, b => b.update_webhook(id, patch, now).await)
    }

    /// Removes an endpoint and, by cascade, its deliveries (pending ones are never sent).
    pub async fn delete_webhook(&self, id: WebhookId) -> Result<bool, StoreError> {
        dispatch!(self, b => b.delete_webhook(id).await)
    }

    /// An endpoint's deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        webhook: WebhookId,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, StoreError> {
        dispatch!(self, b => b.webhook_deliveries(webhook, page).await)
    }

    /// Queues a delivery of `webhook` again, due now; `None` if it has no such delivery.
    pub async fn replay_webhook_delivery(
        &self,
        webhook: WebhookId,
        delivery: WebhookDeliveryId,
        now: DateTime<Utc>,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        dispatch!(self, b => b.replay_webhook_delivery(webhook, delivery, now).await)
    }

    /// Turns up to `limit` outbox rows not yet fanned out into their deliveries.
    pub async fn fan_out_webhooks(
        &self,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<FannedOut, StoreError> {
        dispatch!(self, b => b.fan_out_webhooks(limit, now).await)
    }

    /// Claims up to `limit` due deliveries for `lease`, counting the attempt.
    pub async fn claim_webhook_deliveries(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        // Stored and compared to the microsecond on both databases.
        let claim = boxoffice_domain::truncate_to_micros(now + lease);
        dispatch!(self, b => b.claim_webhook_deliveries(limit, now, claim).await)
    }

    /// Records an attempt's outcome; `false` if the claim was lost meanwhile.
    pub async fn finish_webhook_attempt(
        &self,
        delivery: &DueDelivery,
        outcome: &SendOutcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, b => b.finish_webhook_attempt(delivery, outcome, now).await)
    }

    /// Forgets delivered and failed deliveries created before `before`.
    pub async fn purge_webhook_deliveries(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, b => b.purge_webhook_deliveries(before).await)
    }

    /// Pending deliveries and the age of the oldest, in seconds.
    pub async fn webhook_backlog(&self, now: DateTime<Utc>) -> Result<(i64, f64), StoreError> {
        dispatch!(self, b => b.webhook_backlog(now).await)
    }
}
