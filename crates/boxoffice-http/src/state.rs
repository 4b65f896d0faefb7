//! What every handler can reach.

use crate::auth::{AuthSettings, Passwords, RateLimits, TokenIssuer, TrustedProxies};
use boxoffice_store::Store;
use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;

/// Shared application state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: Option<PrometheusHandle>,
    pub security: Arc<Security>,
}

/// Everything about who may call: tokens, passwords, rate limits, proxies.
#[derive(Debug)]
pub struct Security {
    pub tokens: TokenIssuer,
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
        }
    }

    /// The current instant, at the precision the database keeps.
    pub fn now(&self) -> DateTime<Utc> {
        boxoffice_domain::truncate_to_micros(Utc::now())
    }
}
