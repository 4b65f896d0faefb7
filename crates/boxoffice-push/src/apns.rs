//! Apple Push Notification service: HTTP/2 with token-based authentication.
//!
//! A provider token is an ES256 JWT (`kid` = key id, `iss` = team id, `iat`) signed with the
//! `.p8` key from the Apple developer account. Apple refuses tokens older than an hour and
//! throttles ones renewed more often than every 20 minutes, so one is reused for 50.

use crate::{PushError, PushMessage, PushOutcome, transport_error, unix_now};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The production endpoint.
pub const DEFAULT_BASE: &str = "https://api.push.apple.com";
/// The endpoint for development builds of an app.
pub const SANDBOX_BASE: &str = "https://api.sandbox.push.apple.com";
const TOKEN_REUSE: Duration = Duration::from_secs(50 * 60);

/// How to reach APNs.
#[derive(Clone)]
pub struct ApnsConfig {
    /// The `.p8` signing key (PKCS#8 PEM).
    pub key_pem: SecretString,
    /// The key's 10-character identifier.
    pub key_id: String,
    /// The developer account's team id.
    pub team_id: String,
    /// The app's bundle id, sent as `apns-topic`.
    pub topic: String,
    pub base_url: String,
}

impl std::fmt::Debug for ApnsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApnsConfig")
            .field("key_id", &self.key_id)
            .field("team_id", &self.team_id)
            .field("topic", &self.topic)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: u64,
}

struct ProviderToken {
    value: String,
    renew_at: Instant,
}

pub(crate) struct Apns {
    config: ApnsConfig,
    key: EncodingKey,
    client: reqwest_tls::Client,
    token: Mutex<Option<ProviderToken>>,
}

impl std::fmt::Debug for Apns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apns")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Apns {
    pub(crate) fn new(config: ApnsConfig, client: reqwest_tls::Client) -> Result<Self, PushError> {
        let key = EncodingKey::from_ec_pem(config.key_pem.expose_secret().as_bytes())
            .map_err(|e| PushError::ApnsKey(e.to_string()))?;
        let apns = Apns {
            config,
            key,
            client,
            token: Mutex::new(None),
        };
        // Sign once now, so a key of the wrong curve fails at start-up, not at the first send.
        apns.sign().map_err(PushError::ApnsKey)?;
        Ok(apns)
    }

    fn sign(&self) -> Result<String, String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.config.key_id.clone());
        let claims = Claims {
            iss: &self.config.team_id,
            iat: unix_now(),
        };
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| e.to_string())
    }

    async fn provider_token(&self) -> Result<String, String> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(token.value.clone());
        }
        let value = self.sign()?;
        *cached = Some(ProviderToken {
            value: value.clone(),
            renew_at: Instant::now() + TOKEN_REUSE,
        });
        Ok(value)
    }

    pub(crate) async fn send(&self, device_token: &str, message: &PushMessage) -> PushOutcome {
        // The token becomes a path segment: anything that would need escaping is no APNs token.
        if device_token.is_empty() || !device_token.bytes().all(boxoffice_domain::is_token_byte) {
            return PushOutcome::Rejected("malformed APNs device token".into());
        }
        let jwt = match self.provider_token().await {
            Ok(jwt) => jwt,
            Err(why) => return PushOutcome::Rejected(format!("signing the APNs token: {why}")),
        };
        let url = format!(
            "{}/3/device/{device_token}",
            self.config.base_url.trim_end_matches('/')
        );
        let response = match self
            .client
            .post(url)
            .header("authorization", format!("bearer {jwt}"))
            .header("apns-topic", &self.config.topic)
            .header("apns-push-type", "alert")
            .header("apns-priority", "10")
            .json(&payload(message))
            .send()
            .await
        {
            Ok(response) => response,
            Err(err) => return PushOutcome::Retryable(transport_error("APNs", &err)),
        };
        let status = response.status().as_u16();
        let reason = response
            .json::<ErrorBody>()
            .await
            .map(|b| b.reason)
            .unwrap_or_default();
        if reason == "ExpiredProviderToken" || reason == "InvalidProviderToken" {
            *self.token.lock().await = None;
        }
        outcome(status, &reason)
    }
}

/// `{"aps": {"alert": {"title", "body"}}, ...data}`; a data key `aps` cannot replace Apple's.
fn payload(message: &PushMessage) -> serde_json::Value {
    let mut body = serde_json::Map::new();
    for (key, value) in message.data.iter().filter(|(k, _)| k.as_str() != "aps") {
        body.insert(key.clone(), serde_json::Value::String(value.clone()));
    }
    body.insert(
        "aps".into(),
        serde_json::json!({ "alert": { "title": message.title, "body": message.body } }),
    );
    serde_json::Value::Object(body)
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    reason: String,
}

fn outcome(status: u16, reason: &str) -> PushOutcome {
    let why = || format!("APNs answered {status} {reason}");
    match (status, reason) {
        (200, _) => PushOutcome::Delivered,
        (410, _) | (_, "BadDeviceToken" | "Unregistered" | "DeviceTokenNotForTopic") => {
            PushOutcome::Unregistered
        }
        (429 | 500 | 503, _) | (403, "ExpiredProviderToken") => PushOutcome::Retryable(why()),
        _ => PushOutcome::Rejected(why()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn answers_map_to_outcomes() {
        assert_eq!(outcome(200, ""), PushOutcome::Delivered);
        assert_eq!(outcome(410, "Unregistered"), PushOutcome::Unregistered);
        assert_eq!(outcome(400, "BadDeviceToken"), PushOutcome::Unregistered);
        assert!(matches!(
            outcome(429, "TooManyRequests"),
            PushOutcome::Retryable(_)
        ));
        assert!(matches!(
            outcome(403, "ExpiredProviderToken"),
            PushOutcome::Retryable(_)
        ));
        assert!(
            matches!(outcome(400, "PayloadTooLarge"), PushOutcome::Rejected(m) if m.contains("PayloadTooLarge"))
        );
    }

    #[test]
    fn data_sits_beside_aps_and_cannot_replace_it() {
        let message = PushMessage {
            title: "T".into(),
            body: "B".into(),
            data: BTreeMap::from([("event_id".into(), "7".into()), ("aps".into(), "x".into())]),
        };
        assert_eq!(
            payload(&message),
            serde_json::json!({"aps": {"alert": {"title": "T", "body": "B"}}, "event_id": "7"})
        );
    }
}
