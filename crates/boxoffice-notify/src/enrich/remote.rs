//! Enrichment over the event service's HTTP API, for a notification process running apart.
//!
//! One `POST /internal/enrichment` per domain event, with a service token. Every failure
//! (no answer in time, a refused connection, a 5xx, a refused token) is an error the
//! delivery retries, with the broker's backoff, until the dead-letter queue; a 404
//! `event_not_found` means the event or booking is gone: nobody to tell.

use super::{EnrichError, Enriched, EnrichmentRequest};
use crate::service_token::ServiceTokens;
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The path of the internal endpoint, relative to the event service's URL.
pub const ENRICHMENT_PATH: &str = "internal/enrichment";
/// The caller named in the service token.
const SERVICE: &str = "notifications";

/// Where the event service is and how long to wait for it.
#[derive(Debug, Clone)]
pub struct EventServiceSettings {
    /// The event service's base URL, e.g. `http://events:8000/`.
    pub url: Url,
    /// Longest one call may take, connecting included.
    pub timeout: Duration,
}

/// Calls the event service's enrichment endpoint; cheap to clone.
#[derive(Debug, Clone)]
pub struct EventServiceClient {
    http: reqwest::Client,
    endpoint: Url,
    /// Shared by the clones: the keys are large.
    tokens: Arc<ServiceTokens>,
}

impl EventServiceClient {
    pub fn new(
        settings: &EventServiceSettings,
        tokens: ServiceTokens,
    ) -> Result<Self, EnrichError> {
        let mut base = settings.url.clone();
        // `join` replaces the last segment unless the base ends with a slash.
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let endpoint = base
            .join(ENRICHMENT_PATH)
            .map_err(|err| EnrichError::EventService(format!("event service URL: {err}")))?;
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .build()
            .map_err(|err| EnrichError::EventService(format!("HTTP client: {err}")))?;
        Ok(EventServiceClient {
            http,
            endpoint,
            tokens: Arc::new(tokens),
        })
    }

    /// The URL it calls.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    pub async fn enrich(
        &self,
        request: &EnrichmentRequest,
    ) -> Result<Option<Enriched>, EnrichError> {
        let failed = |what: String| EnrichError::EventService(what);
        let token = self
            .tokens
            .sign(SERVICE)
            .map_err(|err| failed(format!("signing the service token: {err}")))?;
        let response = self
            .http
            .post(self.endpoint.clone())
            .bearer_auth(token)
            .json(request)
            .send()
            .await
            .map_err(|err| failed(format!("{}: {err}", self.endpoint)))?;
        let status = response.status();
        if status == StatusCode::OK {
            return response
                .json::<Enriched>()
                .await
                .map(Some)
                .map_err(|err| failed(format!("unreadable answer: {err}")));
        }
        let body = response.text().await.unwrap_or_default();
        if status == StatusCode::NOT_FOUND && problem_code(&body) == Some("event_not_found") {
            return Ok(None);
        }
        // Anything else is a failure, also a 404 without the problem: a wrong URL must
        // not read as "nobody to tell".
        Err(failed(format!(
            "{} answered {status}: {body}",
            self.endpoint
        )))
    }
}

/// The `code` of a problem+json body.
fn problem_code(body: &str) -> Option<&str> {
    #[derive(serde::Deserialize)]
    struct Problem<'a> {
        code: &'a str,
    }
    serde_json::from_str::<Problem<'_>>(body)
        .ok()
        .map(|p| p.code)
}
