//! Mobile push for Boxoffice: Firebase Cloud Messaging (HTTP v1) for Android and the Apple
//! Push Notification service (HTTP/2, token-based auth) for iOS, and [`DevicePush`], which
//! sends to every device a user registered and forgets the ones a provider disowns.
//!
//! Each send answers a [`PushOutcome`] rather than an error: the caller decides whether to
//! retry, and an unregistered token is a normal end of a device's life, not a failure.

mod apns;
mod channel;
mod devices;
mod fcm;

pub use apns::{ApnsConfig, DEFAULT_BASE as APNS_DEFAULT_BASE, SANDBOX_BASE as APNS_SANDBOX_BASE};
pub use boxoffice_domain::Platform;
pub use devices::DevicePush;
pub use fcm::{DEFAULT_BASE as FCM_DEFAULT_BASE, FcmConfig, ServiceAccount};

use std::collections::BTreeMap;
use std::time::Duration;

/// What a notification says on the lock screen, and data for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    /// Key-value pairs handed to the app (FCM `data`, top-level keys of the APNs payload).
    pub data: BTreeMap<String, String>,
}

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// The provider accepted the message.
    Delivered,
    /// The provider no longer knows the token (app removed, token rotated): forget it.
    Unregistered,
    /// Worth trying again later: rate limited, provider unavailable, network error.
    Retryable(String),
    /// Refused for good: a bad payload, bad credentials, or push not configured.
    Rejected(String),
}

impl PushOutcome {
    /// A short label for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            PushOutcome::Delivered => "delivered",
            PushOutcome::Unregistered => "unregistered",
            PushOutcome::Retryable(_) => "retryable",
            PushOutcome::Rejected(_) => "rejected",
        }
    }
}

/// Which providers are configured; a platform without one is not sent to.
#[derive(Debug, Clone, Default)]
pub struct PushConfig {
    pub fcm: Option<FcmConfig>,
    pub apns: Option<ApnsConfig>,
    /// Extra PEM certificates to trust besides the system's roots (a private gateway in
    /// front of the providers, or a local test server).
    pub extra_roots_pem: Option<String>,
    /// Bounds each request to a provider; zero means [`PushConfig::DEFAULT_TIMEOUT`].
    pub timeout: Duration,
}

impl PushConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
}

/// Push cannot start: bad keys or certificates in the configuration.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("APNs signing key: {0}")]
    ApnsKey(String),
    #[error("FCM service account: {0}")]
    ServiceAccount(String),
    #[error("extra root certificates: {0}")]
    Roots(String),
    #[error("HTTP client: {0}")]
    Client(String),
}

/// The configured senders.
#[derive(Debug)]
pub struct Push {
    fcm: Option<fcm::Fcm>,
    apns: Option<apns::Apns>,
}

impl Push {
    /// Checks the keys and builds one HTTPS client per provider (HTTP/2 only for APNs).
    pub fn new(config: PushConfig) -> Result<Self, PushError> {
        let timeout = if config.timeout.is_zero() {
            PushConfig::DEFAULT_TIMEOUT
        } else {
            config.timeout
        };
        let roots = match &config.extra_roots_pem {
            Some(pem) => reqwest_tls::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| PushError::Roots(e.to_string()))?,
            None => Vec::new(),
        };
        let client = |http2_only: bool| {
            let mut builder = reqwest_tls::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .tls_certs_merge(roots.clone());
            if http2_only {
                builder = builder.http2_prior_knowledge();
            }
            builder
                .build()
                .map_err(|e| PushError::Client(e.to_string()))
        };
        let fcm = match config.fcm {
            Some(c) => Some(fcm::Fcm::new(c, client(false)?)?),
            None => None,
        };
        let apns = match config.apns {
            Some(c) => Some(apns::Apns::new(c, client(true)?)?),
            None => None,
        };
        Ok(Push { fcm, apns })
    }

    /// Whether messages for `platform` can be sent.
    pub fn is_enabled(&self, platform: Platform) -> bool {
        match platform {
            Platform::Ios => self.apns.is_some(),
            Platform::Android => self.fcm.is_some(),
        }
    }

    /// Sends `message` to one device; one structured log line per attempt.
    pub async fn send(
        &self,
        platform: Platform,
        device_token: &str,
        message: &PushMessage,
    ) -> PushOutcome {
        let outcome = match platform {
            Platform::Ios => match &self.apns {
                Some(apns) => apns.send(device_token, message).await,
                None => PushOutcome::Rejected("APNs is not configured".into()),
            },
            Platform::Android => match &self.fcm {
                Some(fcm) => fcm.send(device_token, message).await,
                None => PushOutcome::Rejected("FCM is not configured".into()),
            },
        };
        metrics::counter!("boxoffice_push_sends_total",
            "platform" => platform.as_str(), "outcome" => outcome.label())
        .increment(1);
        match &outcome {
            PushOutcome::Delivered | PushOutcome::Unregistered => {
                tracing::info!(%platform, outcome = outcome.label(), "push sent");
            }
            PushOutcome::Retryable(why) | PushOutcome::Rejected(why) => {
                tracing::warn!(%platform, outcome = outcome.label(), error = %why, "push failed");
            }
        }
        outcome
    }
}

/// Seconds since the Unix epoch, for JWT claims.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Describes a transport error (no HTTP answer), which is always worth another try.
fn transport_error(provider: &str, err: &reqwest_tls::Error) -> String {
    // `{:#}`-style chain: reqwest's top-level message alone hides the cause.
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    format!("{provider} unreachable: {text}")
}
