//! What every handler can reach.

use crate::auth::{AuthSettings, Passwords, RateLimits, TokenIssuer, TrustedProxies};
use crate::availability::DatabaseHealth;
use boxoffice_broker::Broker;
use boxoffice_domain::PublicUrl;
use boxoffice_notify::Hub;
use boxoffice_store::Store;
use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::PrometheusHandle;
use secrecy::ExposeSecret;
use std::sync::Arc;

/// Shared application state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: Option<PrometheusHandle>,
    pub security: Arc<Security>,
    /// The WebSocket hub, where this process serves notifications.
    pub hub: Option<Hub>,
    /// The broker, checked by `/readyz`.
    pub broker: Option<Broker>,
    /// Where the public reaches this service (`PUBLIC_URL`): the OpenAPI document's
    /// server and the base of links sent out. `None`: each request's own origin.
    pub public_url: Option<PublicUrl>,
    /// Whether the database is known to be down (requests then fail fast).
    pub database: Arc<DatabaseHealth>,
    /// Where event attachments are kept; without it, uploads answer 503.
    pub attachments: Option<Attachments>,
    /// Sends attendees their sign-in links; without it, asking for one answers 503.
    pub mailer: Option<boxoffice_channels::Mailer>,
    /// How long a seat hold lasts (`HOLD_MINUTES`).
    pub hold_duration: boxoffice_domain::HoldDuration,
    /// Whether webhook URLs may point to loopback, private or link-local addresses.
    pub webhooks_allow_private_networks: bool,
}

/// Event attachments: the file store and the largest accepted file.
#[derive(Debug, Clone)]
pub struct Attachments {
    pub files: boxoffice_files::FileStore,
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
}

/// Everything about who may call: tokens, passwords, rate limits, proxies.
#[derive(Debug)]
pub struct Security {
    pub tokens: TokenIssuer,
    /// Tokens Boxoffice processes show each other on internal endpoints (same secret).
    pub service_tokens: boxoffice_notify::service_token::ServiceTokens,
    /// Signs and checks ticket codes (a key derived from the same secret).
    pub tickets: boxoffice_domain::TicketKey,
    pub passwords: Passwords,
    pub rate_limits: RateLimits,
    pub trusted_proxies: TrustedProxies,
}

impl Security {
    pub fn new(
        settings: &AuthSettings,
        rate_limits: RateLimits,
        trusted_proxies: TrustedProxies,
    ) -> Result<Self, bcrypt::BcryptError> {
        Ok(Security {
            tokens: TokenIssuer::new(&settings.jwt_secret, settings.token_ttl),
            service_tokens: boxoffice_notify::service_token::ServiceTokens::new(
                &settings.jwt_secret,
            ),
            tickets: boxoffice_domain::TicketKey::derive(settings.jwt_secret.expose_secret()),
            passwords: Passwords::new(settings.bcrypt_cost)?,
            rate_limits,
            trusted_proxies,
        })
    }
}

impl AppState {
    pub fn new(store: Store, metrics: Option<PrometheusHandle>, security: Security) -> Self {
        AppState {
            store,
            metrics,
            security: Arc::new(security),
            hub: None,
            broker: None,
            public_url: None,
            database: DatabaseHealth::new(),
            attachments: None,
            mailer: None,
            hold_duration: boxoffice_domain::HoldDuration::default(),
            webhooks_allow_private_networks: false,
        }
    }

    pub fn with_hold_duration(mut self, duration: boxoffice_domain::HoldDuration) -> Self {
        self.hold_duration = duration;
        self
    }

    /// Serves `/ws` and `/notifications` from this hub.
    pub fn with_hub(mut self, hub: Hub) -> Self {
        self.hub = Some(hub);
        self
    }

    /// Admits webhook URLs on loopback, private and link-local addresses.
    pub fn with_webhooks_allow_private_networks(mut self, allow: bool) -> Self {
        self.webhooks_allow_private_networks = allow;
        self
    }

    pub fn with_public_url(mut self, public_url: Option<PublicUrl>) -> Self {
        self.public_url = public_url;
        self
    }

    /// Stores event attachments in `attachments.files`.
    pub fn with_attachments(mut self, attachments: Attachments) -> Self {
        self.attachments = Some(attachments);
        self
    }

    pub fn with_mailer(mut self, mailer: boxoffice_channels::Mailer) -> Self {
        self.mailer = Some(mailer);
        self
    }

    pub fn with_broker(mut self, broker: Broker) -> Self {
        self.broker = Some(broker);
        self
    }

    /// The current instant, at the precision the database keeps.
    pub fn now(&self) -> DateTime<Utc> {
        boxoffice_domain::truncate_to_micros(Utc::now())
    }
}
