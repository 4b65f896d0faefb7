//! Webhook endpoints: registered by organizers for one of their events or their whole
//! account, seen and changed by their owner or an admin, with their delivery log.
//!
//! An endpoint of another owner reads as missing, so ids of others' endpoints are not disclosed.

use boxoffice_domain::{
    EventId, NewWebhook, Page, PageRequest, UserId, Webhook, WebhookDelivery, WebhookDeliveryId,
    WebhookId, WebhookPatch, WebhookSecret,
};
use boxoffice_store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Organizer {
    pub id: UserId,
    pub admin: bool,
}

impl Organizer {
    fn sees(&self, webhook: &Webhook) -> bool {
        self.admin || webhook.owner_id == self.id
    }
}

/// Why an endpoint was not registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    EventNotFound(EventId),
    /// The event belongs to someone else (admins may register for any event).
    NotEventOwner,
}

/// Registers an endpoint owned by `caller`; the secret is returned this once.
pub async fn register(
    store: &Store,
    caller: Organizer,
    new: &NewWebhook,
    now: DateTime<Utc>,
) -> Result<Result<(Webhook, WebhookSecret), Refusal>, StoreError> {
    if let Some(event_id) = new.event_id {
        let Some(event) = store.get_event(event_id).await? else {
            return Ok(Err(Refusal::EventNotFound(event_id)));
        };
        if !caller.admin && event.owner_id != Some(caller.id) {
            return Ok(Err(Refusal::NotEventOwner));
        }
    }
    let secret = WebhookSecret::generate();
    let webhook = store.insert_webhook(caller.id, new, &secret, now).await?;
    Ok(Ok((webhook, secret)))
}

/// The caller's endpoints; every endpoint for an admin.
pub async fn list(
    store: &Store,
    caller: Organizer,
    page: PageRequest,
) -> Result<Page<Webhook>, StoreError> {
    let owner = (!caller.admin).then_some(caller.id);
    store.list_webhooks(owner, page).await
}

/// One endpoint, if the caller may see it.
pub async fn find(
    store: &Store,
    caller: Organizer,
    id: WebhookId,
) -> Result<Option<Webhook>, StoreError> {
    Ok(store.webhook(id).await?.filter(|w| caller.sees(w)))
}

/// Applies `patch`; `None` if the caller has no such endpoint.
pub async fn update(
    store: &Store,
    caller: Organizer,
    id: WebhookId,
    patch: &WebhookPatch,
    now: DateTime<Utc>,
) -> Result<Option<Webhook>, StoreError> {
    if find(store, caller, id).await?.is_none() {
        return Ok(None);
    }
    store.update_webhook(id, patch, now).await
}

/// Removes an endpoint with its deliveries; `false` if the caller has no such endpoint.
pub async fn delete(store: &Store, caller: Organizer, id: WebhookId) -> Result<bool, StoreError> {
    if find(store, caller, id).await?.is_none() {
        return Ok(false);
    }
    store.delete_webhook(id).await
}

/// An endpoint's deliveries, newest first; `None` if the caller has no such endpoint.
pub async fn deliveries(
    store: &Store,
    caller: Organizer,
    id: WebhookId,
    page: PageRequest,
) -> Result<Option<Page<WebhookDelivery>>, StoreError> {
    if find(store, caller, id).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(store.webhook_deliveries(id, page).await?))
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    Queued(WebhookDelivery),
    NoWebhook,
    NoDelivery,
}

/// Queues a delivery again, due now, with the same `webhook-id`.
pub async fn replay(
    store: &Store,
    caller: Organizer,
    id: WebhookId,
    delivery: WebhookDeliveryId,
    now: DateTime<Utc>,
) -> Result<Replay, StoreError> {
    if find(store, caller, id).await?.is_none() {
        return Ok(Replay::NoWebhook);
    }
    Ok(
        match store.replay_webhook_delivery(id, delivery, now).await? {
            Some(queued) => Replay::Queued(queued),
            None => Replay::NoDelivery,
        },
    )
}
