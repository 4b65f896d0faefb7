//! Webhook endpoints: where an organizer's integrations hear of domain events, the secret
//! each delivery is signed with, and the payload it carries (Standard Webhooks).

use crate::{DomainEvent, DomainEventKind, EventId, UserId};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, SecondsFormat, Utc};
use rand::RngCore;
use serde::Serialize;
use std::fmt;
use std::net::IpAddr;

/// Identifies a webhook endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WebhookId(pub i64);

/// Identifies one delivery of one domain event to one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WebhookDeliveryId(pub i64);

impl fmt::Display for WebhookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for WebhookDeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Longest endpoint URL accepted.
pub const WEBHOOK_URL_MAX: usize = 2048;
/// Longest description accepted, in characters.
pub const WEBHOOK_DESCRIPTION_MAX: usize = 500;

/// An `http` or `https` URL with a host and no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    /// Parses `text`; `allow_private` admits hosts written as loopback, private or
    /// link-local addresses (and `localhost`), which are refused otherwise.
    pub fn parse(text: &str, allow_private: bool) -> Result<Self, String> {
        if text.len() > WEBHOOK_URL_MAX {
            return Err(format!("must be at most {WEBHOOK_URL_MAX} characters"));
        }
        let url = url::Url::parse(text.trim()).map_err(|e| format!("is not a URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("must be an http or https URL".to_owned());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry a user name or password".to_owned());
        }
        let Some(host) = url.host() else {
            return Err("must name a host".to_owned());
        };
        let private = match host {
            url::Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
            url::Host::Ipv4(ip) => !is_public(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => !is_public(IpAddr::V6(ip)),
        };
        if private && !allow_private {
            return Err("must not point to a loopback, private or link-local address".to_owned());
        }
        Ok(WebhookUrl(url))
    }

    /// A URL read back from the store, checked when it was written.
    pub fn restore(text: &str) -> Result<Self, String> {
        Self::parse(text, true)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Whether a sender may connect to `ip` when private networks are not allowed: not
/// loopback, private, link-local (cloud metadata), unspecified, shared or multicast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                // 100.64.0.0/10, carrier-grade NAT.
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // fc00::/7 unique local, fe80::/10 link-local.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// The kinds of domain event an endpoint wants; empty means every kind, including kinds
/// added later.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventTypes(Vec<DomainEventKind>);

impl EventTypes {
    /// Parses the wire names, e.g. `["booking.created"]`, dropping repeats.
    pub fn parse(names: &[String]) -> Result<Self, String> {
        let mut kinds = Vec::new();
        for name in names {
            let kind: DomainEventKind = name.parse().map_err(|_| {
                let known: Vec<&str> = DomainEventKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown event type {name:?}; known: {}", known.join(", "))
            })?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        Ok(EventTypes(kinds))
    }

    pub fn every() -> Self {
        EventTypes(Vec::new())
    }

    pub fn kinds(&self) -> &[DomainEventKind] {
        &self.0
    }

    pub fn includes(&self, kind: &str) -> bool {
        self.0.is_empty() || self.0.iter().any(|k| k.as_str() == kind)
    }
}

/// The signing secret of an endpoint: `whsec_` and the base64 of 32 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub const PREFIX: &'static str = "whsec_";

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        WebhookSecret(format!("{}{}", Self::PREFIX, STANDARD.encode(bytes)))
    }

    /// A secret read back from the store.
    pub fn restore(text: String) -> Result<Self, String> {
        let secret = WebhookSecret(text);
        match secret.key() {
            Some(key) if (24..=64).contains(&key.len()) => Ok(secret),
            _ => Err("not a whsec_ secret of 24 to 64 bytes".to_owned()),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The HMAC key: the bytes after the prefix, base64-decoded.
    pub fn key(&self) -> Option<Vec<u8>> {
        let encoded = self.0.strip_prefix(Self::PREFIX)?;
        STANDARD.decode(encoded).ok()
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

/// A registered endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub owner_id: UserId,
    /// `None`: every event of the owner.
    pub event_id: Option<EventId>,
    pub url: WebhookUrl,
    pub event_types: EventTypes,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An endpoint to register.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub event_id: Option<EventId>,
    pub url: WebhookUrl,
    pub event_types: EventTypes,
    pub description: Option<String>,
}

/// Changes to an endpoint; `None` keeps a field. A description of `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub url: Option<WebhookUrl>,
    pub event_types: Option<EventTypes>,
    pub description: Option<Option<String>>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; a replay queues it again.
    Failed,
}

impl WebhookDeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookDeliveryStatus::Pending => "pending",
            WebhookDeliveryStatus::Delivered => "delivered",
            WebhookDeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(WebhookDeliveryStatus::Pending),
            "delivered" => Some(WebhookDeliveryStatus::Delivered),
            "failed" => Some(WebhookDeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One domain event for one endpoint, with its attempts so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    pub webhook_id: WebhookId,
    /// The `webhook-id` header: the same on every attempt and replay.
    pub message_id: String,
    pub event_type: String,
    /// The signed JSON body, exactly as sent.
    pub payload: String,
    pub status: WebhookDeliveryStatus,
    pub attempts: i32,
    pub last_response_code: Option<i32>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A fresh `webhook-id`.
pub fn new_webhook_message_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

/// The body of a delivery: `{type, timestamp, data}` as the Standard Webhooks spec shapes it.
pub fn webhook_payload(change: &DomainEvent) -> String {
    #[derive(Serialize)]
    struct Seats {
        capacity: Option<i32>,
        seats_booked: i32,
        available: Option<i32>,
    }
    #[derive(Serialize)]
    struct Data<'a> {
        /// The domain event's id, the same for every endpoint that hears of it.
        event_message_id: &'a str,
        event_id: EventId,
        event_title: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        booking_id: Option<crate::BookingId>,
        #[serde(skip_serializing_if = "Option::is_none")]
        seats: Option<Seats>,
    }
    #[derive(Serialize)]
    struct Envelope<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        timestamp: String,
        data: Data<'a>,
    }
    let envelope = Envelope {
        kind: change.kind.as_str(),
        timestamp: change
            .occurred_at
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        data: Data {
            event_message_id: &change.id,
            event_id: change.event_id,
            event_title: &change.event_title,
            booking_id: change.booking_id,
            seats: change.seats.map(|s| Seats {
                capacity: s.capacity,
                seats_booked: s.seats_booked,
                available: s.available(),
            }),
        },
    };
    serde_json::to_string(&envelope).expect("plain structs serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_with_a_host_and_no_credentials() {
        for bad in [
            "ftp://example.com/x",
            "javascript:alert(1)",
            "https://user:pw@example.com/",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert!(WebhookUrl::parse(bad, true).is_err(), "{bad}");
        }
        assert!(WebhookUrl::parse("https://hooks.example.com/in?x=1", false).is_ok());
    }

    #[test]
    fn private_addresses_need_the_setting() {
        for private in [
            "http://127.0.0.1:9000/",
            "http://localhost/",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
        ] {
            assert!(WebhookUrl::parse(private, false).is_err(), "{private}");
            assert!(WebhookUrl::parse(private, true).is_ok(), "{private}");
        }
    }

    #[test]
    fn secrets_carry_32_random_bytes_behind_the_prefix() {
        let secret = WebhookSecret::generate();
        assert!(secret.expose().starts_with("whsec_"));
        assert_eq!(secret.key().map(|k| k.len()), Some(32));
        assert_ne!(secret.expose(), WebhookSecret::generate().expose());
        assert!(WebhookSecret::restore(secret.expose().to_owned()).is_ok());
        assert!(WebhookSecret::restore("whsec_c2hvcnQ=".to_owned()).is_err());
    }

    #[test]
    fn event_types_are_known_kinds_and_empty_means_all() {
        let types = EventTypes::parse(&["booking.created".to_owned()]).expect("known");
        assert!(types.includes("booking.created"));
        assert!(!types.includes("event.created"));
        assert!(EventTypes::every().includes("anything.new"));
        assert!(EventTypes::parse(&["booking.made".to_owned()]).is_err());
    }
}
