//! Firebase Cloud Messaging, HTTP v1 API.
//!
//! A service account signs an RS256 assertion, trades it at its `token_uri` for an OAuth2
//! access token (JWT-bearer grant, scope `firebase.messaging`), and the access token is
//! reused until a minute before it expires. Each message is one
//! `POST {base}/v1/projects/{project}/messages:send`.

use crate::{PushError, PushMessage, PushOutcome, transport_error, unix_now};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The production endpoint.
pub const DEFAULT_BASE: &str = "https://fcm.googleapis.com";
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Lifetime asked of each assertion (Google's maximum).
const ASSERTION_LIFETIME: u64 = 3600;
/// An access token is replaced this long before it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The fields of a Google service-account key file that signing needs.
#[derive(Clone, Deserialize)]
pub struct ServiceAccount {
    pub client_email: String,
    pub private_key: SecretString,
    pub token_uri: String,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub private_key_id: Option<String>,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

/// How to reach FCM.
#[derive(Debug, Clone)]
pub struct FcmConfig {
    pub service_account: ServiceAccount,
    /// The Firebase project messages are sent through.
    pub project_id: String,
    /// `https://fcm.googleapis.com` unless a gateway or test server stands in.
    pub base_url: String,
}

impl FcmConfig {
    /// Reads a service-account key file's JSON; the project defaults to the key's own.
    pub fn from_service_account_json(
        json: &str,
        project_id: Option<String>,
        base_url: Option<String>,
    ) -> Result<Self, PushError> {
        let service_account: ServiceAccount =
            serde_json::from_str(json).map_err(|e| PushError::ServiceAccount(e.to_string()))?;
        let project_id = project_id
            .or_else(|| service_account.project_id.clone())
            .ok_or_else(|| PushError::ServiceAccount("no project_id".into()))?;
        Ok(FcmConfig {
            service_account,
            project_id,
            base_url: base_url.unwrap_or_else(|| DEFAULT_BASE.into()),
        })
    }
}

#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
}

struct AccessToken {
    value: String,
    refresh_at: Instant,
}

pub(crate) struct Fcm {
    config: FcmConfig,
    key: EncodingKey,
    client: reqwest_tls::Client,
    token: Mutex<Option<AccessToken>>,
}

impl std::fmt::Debug for Fcm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fcm")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Why a send failed before reaching FCM.
enum TokenFailure {
    Retry(String),
    Refused(String),
}

impl Fcm {
    pub(crate) fn new(config: FcmConfig, client: reqwest_tls::Client) -> Result<Self, PushError> {
        let key = EncodingKey::from_rsa_pem(
            config
                .service_account
                .private_key
                .expose_secret()
                .as_bytes(),
        )
        .map_err(|e| PushError::ServiceAccount(format!("private_key: {e}")))?;
        Ok(Fcm {
            config,
            key,
            client,
            token: Mutex::new(None),
        })
    }

    pub(crate) async fn send(&self, device_token: &str, message: &PushMessage) -> PushOutcome {
        let access = match self.access_token().await {
            Ok(token) => token,
            Err(TokenFailure::Retry(why)) => return PushOutcome::Retryable(why),
            Err(TokenFailure::Refused(why)) => return PushOutcome::Rejected(why),
        };
        let url = format!(
            "{}/v1/projects/{}/messages:send",
            self.config.base_url.trim_end_matches('/'),
            self.config.project_id
        );
        let body = serde_json::json!({
            "message": {
                "token": device_token,
                "notification": { "title": message.title, "body": message.body },
                "data": message.data,
            }
        });
        let response = match self
            .client
            .post(url)
            .bearer_auth(access)
            .json(&body)
            .send()
            .await
        {
            Ok(response) => response,
            Err(err) => return PushOutcome::Retryable(transport_error("FCM", &err)),
        };
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if status == 401 {
            // The access token was revoked or expired early: fetch a new one next time.
            *self.token.lock().await = None;
        }
        outcome(status, &text)
    }

    /// The cached access token, or a new one if it is close to expiring.
    async fn access_token(&self) -> Result<String, TokenFailure> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.value.clone());
        }
        let fresh = self.fetch_token().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    async fn fetch_token(&self) -> Result<AccessToken, TokenFailure> {
        let account = &self.config.service_account;
        let iat = unix_now();
        let claims = Assertion {
            iss: &account.client_email,
            scope: SCOPE,
            aud: &account.token_uri,
            iat,
            exp: iat + ASSERTION_LIFETIME,
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid.clone_from(&account.private_key_id);
        let assertion = jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| TokenFailure::Refused(format!("signing the FCM assertion: {e}")))?;
        let sent = Instant::now();
        let response = self
            .client
            .post(&account.token_uri)
            .form(&[("grant_type", GRANT_TYPE), ("assertion", &assertion)])
            .send()
            .await
            .map_err(|e| TokenFailure::Retry(transport_error("FCM token endpoint", &e)))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            let why = format!("FCM token endpoint answered {status}: {}", excerpt(&text));
            return Err(if status.as_u16() == 429 || status.is_server_error() {
                TokenFailure::Retry(why)
            } else {
                TokenFailure::Refused(why)
            });
        }
        let token: TokenResponse = serde_json::from_str(&text).map_err(|e| {
            TokenFailure::Retry(format!("FCM token endpoint sent an unreadable token: {e}"))
        })?;
        let lifetime = Duration::from_secs(token.expires_in).saturating_sub(REFRESH_MARGIN);
        Ok(AccessToken {
            value: token.access_token,
            refresh_at: sent + lifetime,
        })
    }
}

/// FCM's error body: `{"error": {"status": ..., "details": [{"errorCode": ...}]}}`.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    error: ErrorStatus,
}

#[derive(Deserialize, Default)]
struct ErrorStatus {
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: Vec<ErrorDetail>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "errorCode", default)]
    error_code: Option<String>,
}

/// Maps FCM's answer to an outcome.
fn outcome(status: u16, body: &str) -> PushOutcome {
    if (200..300).contains(&status) {
        return PushOutcome::Delivered;
    }
    let error = serde_json::from_str::<ErrorBody>(body)
        .unwrap_or_default()
        .error;
    let code = error
        .details
        .iter()
        .find_map(|d| d.error_code.clone())
        .unwrap_or_else(|| error.status.clone());
    let why = format!("FCM answered {status} {code}: {}", excerpt(&error.message));
    match (status, code.as_str()) {
        (_, "UNREGISTERED") | (404, _) => PushOutcome::Unregistered,
        (401 | 429 | 500..=599, _) | (_, "UNAVAILABLE" | "INTERNAL" | "QUOTA_EXCEEDED") => {
            PushOutcome::Retryable(why)
        }
        _ => PushOutcome::Rejected(why),
    }
}

/// The first 200 characters of a provider's message, for logs.
fn excerpt(text: &str) -> String {
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_outcomes() {
        let unregistered = r#"{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
            "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}"#;
        assert_eq!(outcome(404, unregistered), PushOutcome::Unregistered);
        assert_eq!(outcome(200, "{}"), PushOutcome::Delivered);
        assert!(matches!(outcome(429, ""), PushOutcome::Retryable(_)));
        assert!(matches!(outcome(503, "oops"), PushOutcome::Retryable(_)));
        let invalid = r#"{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"bad data",
            "details":[{"errorCode":"INVALID_ARGUMENT"}]}}"#;
        assert!(
            matches!(outcome(400, invalid), PushOutcome::Rejected(m) if m.contains("INVALID_ARGUMENT"))
        );
    }
}
