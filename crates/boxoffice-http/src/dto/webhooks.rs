//! Webhook endpoints and their deliveries.

use super::nullable;
use boxoffice_domain::{
    EventId, EventTypes, Invalid, NewWebhook, Validator, WEBHOOK_DESCRIPTION_MAX, Webhook,
    WebhookDelivery, WebhookPatch, WebhookSecret, WebhookUrl, single_line,
};
use boxoffice_notify::frames::timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An endpoint to register.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"url": "https://hooks.example.com/boxoffice", "event_types": ["booking.created", "booking.cancelled"], "description": "Ticketing sync"}))]
pub struct WebhookCreate {
    /// Where deliveries are POSTed: `http` or `https`, no credentials. Loopback, private
    /// and link-local addresses are refused unless the server allows them
    /// (`WEBHOOKS_ALLOW_PRIVATE_NETWORKS`).
    #[schema(value_type = String, required = true, max_length = 2048)]
    pub url: Option<String>,
    /// Only this event's domain events (the caller must own it, or be an admin); absent:
    /// every event the caller owns.
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub event_id: Option<i64>,
    /// Kinds to deliver, e.g. `booking.created`; absent or empty: every kind.
    #[schema(value_type = Option<Vec<String>>, example = json!(["booking.created"]))]
    pub event_types: Option<Vec<String>>,
    /// A note for people, at most 500 characters, one line.
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<String>,
}

/// Changes to an endpoint: absent fields stay; `description: null` clears it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"event_types": ["booking.created"]}))]
pub struct WebhookUpdate {
    #[schema(value_type = Option<String>, max_length = 2048)]
    pub url: Option<String>,
    /// Empty: every kind.
    #[schema(value_type = Option<Vec<String>>)]
    pub event_types: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500, nullable)]
    pub description: Option<Option<String>>,
}

fn parse_url(v: &mut Validator, url: String, allow_private: bool) -> Option<WebhookUrl> {
    v.check("url", WebhookUrl::parse(&url, allow_private))
}

fn parse_types(v: &mut Validator, names: Vec<String>) -> Option<EventTypes> {
    v.check("event_types", EventTypes::parse(&names))
}

fn parse_description(v: &mut Validator, text: String) -> Option<Option<String>> {
    let text = text.trim().to_owned();
    let checked = single_line(&text).and_then(|()| {
        if text.chars().count() > WEBHOOK_DESCRIPTION_MAX {
            Err(format!(
                "must be at most {WEBHOOK_DESCRIPTION_MAX} characters"
            ))
        } else {
            Ok(())
        }
    });
    v.check("description", checked)
        .map(|()| (!text.is_empty()).then_some(text))
}

impl WebhookCreate {
    pub fn into_domain(self, allow_private: bool) -> Result<NewWebhook, Invalid> {
        let mut v = Validator::new();
        let url = v
            .require("url", self.url)
            .and_then(|url| parse_url(&mut v, url, allow_private));
        if self.event_id.is_some_and(|id| id < 1) {
            v.fail("event_id", "must be at least 1");
        }
        let event_types = parse_types(&mut v, self.event_types.unwrap_or_default());
        let description = match self.description {
            Some(text) => parse_description(&mut v, text),
            None => Some(None),
        };
        v.finish()?;
        match (url, event_types, description) {
            (Some(url), Some(event_types), Some(description)) => Ok(NewWebhook {
                event_id: self.event_id.map(EventId),
                url,
                event_types,
                description,
            }),
            // `finish` reported whatever failed.
            _ => Err(Invalid::field("url", "is required")),
        }
    }
}

impl WebhookUpdate {
    pub fn into_domain(self, allow_private: bool) -> Result<WebhookPatch, Invalid> {
        let mut v = Validator::new();
        let mut patch = WebhookPatch::default();
        if let Some(url) = self.url {
            patch.url = parse_url(&mut v, url, allow_private);
        }
        if let Some(names) = self.event_types {
            patch.event_types = parse_types(&mut v, names);
        }
        match self.description {
            Some(Some(text)) => patch.description = parse_description(&mut v, text),
            Some(None) => patch.description = Some(None),
            None => {}
        }
        v.finish()?;
        Ok(patch)
    }
}

/// A registered endpoint (its secret is shown once, at registration).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    #[schema(example = 4)]
    pub id: i64,
    /// The user who registered it.
    pub owner_id: i64,
    /// `null`: every event of the owner.
    pub event_id: Option<i64>,
    #[schema(example = "https://hooks.example.com/boxoffice")]
    pub url: String,
    /// Kinds delivered; empty: every kind.
    #[schema(example = json!(["booking.created"]))]
    pub event_types: Vec<String>,
    pub description: Option<String>,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

impl WebhookView {
    pub fn render(webhook: &Webhook) -> Self {
        WebhookView {
            id: webhook.id.0,
            owner_id: webhook.owner_id.0,
            event_id: webhook.event_id.map(|e| e.0),
            url: webhook.url.as_str().to_owned(),
            event_types: webhook
                .event_types
                .kinds()
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            description: webhook.description.clone(),
            created_at: timestamp(webhook.created_at),
            updated_at: timestamp(webhook.updated_at),
        }
    }
}

/// A newly registered endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// `whsec_` and the base64 of 32 random bytes: the HMAC-SHA256 key of the
    /// `webhook-signature` header (Standard Webhooks). Not shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

impl WebhookCreated {
    pub fn render(webhook: &Webhook, secret: &WebhookSecret) -> Self {
        WebhookCreated {
            webhook: WebhookView::render(webhook),
            secret: secret.expose().to_owned(),
        }
    }
}

/// One domain event for one endpoint, with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryView {
    #[schema(example = 17)]
    pub id: i64,
    pub webhook_id: i64,
    /// The `webhook-id` header: the same on every attempt and replay.
    #[schema(example = "msg_4c3f0e2b9d5a4e7f8a1b2c3d4e5f6a7b")]
    pub message_id: String,
    #[schema(example = "booking.created")]
    pub event_type: String,
    /// `pending` (waiting for an attempt), `delivered` (answered 2xx) or `failed` (attempts spent).
    #[schema(example = "delivered", pattern = "^(pending|delivered|failed)$")]
    pub status: String,
    /// Attempts since it was created or last replayed.
    pub attempts: i32,
    /// The HTTP status of the last answer; `null` if none came (timeout, refused).
    pub last_response_code: Option<i32>,
    pub last_error: Option<String>,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    /// The JSON body as signed and sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl WebhookDeliveryView {
    pub fn render(delivery: &WebhookDelivery) -> Self {
        WebhookDeliveryView {
            id: delivery.id.0,
            webhook_id: delivery.webhook_id.0,
            message_id: delivery.message_id.clone(),
            event_type: delivery.event_type.clone(),
            status: delivery.status.as_str().to_owned(),
            attempts: delivery.attempts,
            last_response_code: delivery.last_response_code,
            last_error: delivery.last_error.clone(),
            next_attempt_at: delivery.next_attempt_at.map(timestamp),
            created_at: timestamp(delivery.created_at),
            delivered_at: delivery.delivered_at.map(timestamp),
            payload: serde_json::from_str(&delivery.payload)
                .unwrap_or_else(|_| serde_json::Value::String(delivery.payload.clone())),
        }
    }
}
