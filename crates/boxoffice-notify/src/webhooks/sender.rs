//! The sender: claims due deliveries, POSTs them signed, records each outcome.

use super::{WebhookSettings, fanout, sign, step};
use boxoffice_store::{DueDelivery, SendOutcome, Store};
use chrono::Utc;
use futures::StreamExt;
use reqwest_tls::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Longest `last_error` kept per delivery.
const ERROR_MAX: usize = 500;

/// Sends webhook deliveries; built once per process.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    store: Store,
    client: reqwest_tls::Client,
    settings: WebhookSettings,
}

impl WebhookSender {
    pub fn new(store: Store, settings: WebhookSettings) -> Result<Self, reqwest_tls::Error> {
        let mut builder = reqwest_tls::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // A redirect could lead anywhere, private addresses included; receivers answer 2xx.
            .redirect(reqwest_tls::redirect::Policy::none())
            .user_agent(concat!("Boxoffice-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_private_networks {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(WebhookSender {
            store,
            client: builder.build()?,
            settings,
        })
    }

    /// Runs the fan-out and the sender until `stop`; each finishes its round in progress.
    pub async fn run(self, stop: CancellationToken) {
        let wake = Arc::new(Notify::new());
        let fanning = tokio::spawn(fanout::run(
            self.store.clone(),
            self.settings.clone(),
            wake.clone(),
            stop.clone(),
        ));
        self.send_until(wake, stop).await;
        if let Err(err) = fanning.await {
            tracing::error!(error = %err, "webhook fan-out ended abnormally");
        }
    }

    async fn send_until(&self, wake: Arc<Notify>, stop: CancellationToken) {
        loop {
            let claimed = match self.round().await {
                Ok(claimed) => claimed,
                Err(err) => {
                    tracing::warn!(error = %err, "webhook sending paused");
                    0
                }
            };
            if stop.is_cancelled() {
                return;
            }
            if claimed > 0 {
                continue;
            }
            self.record_backlog().await;
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(self.settings.poll) => {}
                () = stop.cancelled() => {}
            }
        }
    }

    /// Claims a batch, sends it, records the outcomes; returns how many were claimed.
    async fn round(&self) -> Result<usize, String> {
        let settings = &self.settings;
        let lease = chrono::Duration::from_std(settings.lease).unwrap_or(chrono::Duration::MAX);
        let claimed = step(
            settings.step_timeout,
            "claim",
            self.store
                .claim_webhook_deliveries(settings.batch, Utc::now(), lease),
        )
        .await?;
        let count = claimed.len();
        tracing::debug!(claimed = count, "webhook claim");
        futures::stream::iter(claimed)
            .for_each_concurrent(settings.in_flight.max(1), |due| async move {
                let outcome = self.attempt(&due).await;
                let recorded = step(
                    settings.step_timeout,
                    "record",
                    self.store.finish_webhook_attempt(&due, &outcome, Utc::now()),
                )
                .await;
                match recorded {
                    Ok(true) => {}
                    // Replayed meanwhile: the replay's attempt will be recorded instead.
                    Ok(false) => {
                        tracing::info!(webhook.delivery = due.id.0, "claim lost; outcome not recorded");
                    }
                    // The claim lapses and the delivery is sent again: receivers dedupe by webhook-id.
                    Err(err) => {
                        tracing::warn!(webhook.delivery = due.id.0, error = %err, "recording a webhook attempt failed");
                    }
                }
            })
            .await;
        Ok(count)
    }

    /// One signed POST, and what to do next.
    async fn attempt(&self, due: &DueDelivery) -> SendOutcome {
        let started = Instant::now();
        let result = self.post(due).await;
        let elapsed = started.elapsed();
        metrics::histogram!("boxoffice_webhook_attempt_duration_seconds")
            .record(elapsed.as_secs_f64());
        let (delivered, response_code, error) = match result {
            Ok(status) if status.is_success() => (true, Some(status.as_u16()), None),
            Ok(status) => (false, Some(status.as_u16()), Some(format!("HTTP {status}"))),
            Err(err) => (false, None, Some(describe(&err))),
        };
        let retry_at = (!delivered)
            .then(|| self.settings.retry_after(due.attempts))
            .flatten()
            .map(|wait| Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default());
        let outcome = match (delivered, retry_at) {
            (true, _) => "delivered",
            (false, Some(_)) => "retry",
            (false, None) => "failed",
        };
        metrics::counter!("boxoffice_webhook_attempts_total", "outcome" => outcome).increment(1);
        tracing::info!(
            webhook.delivery = due.id.0,
            webhook.message = %due.message_id,
            attempt = due.attempts,
            status = response_code,
            outcome,
            duration_ms = elapsed.as_millis() as u64,
            error = error.as_deref(),
            "webhook attempt"
        );
        SendOutcome {
            delivered,
            response_code: response_code.map(i32::from),
            error: error.map(|e| truncate(e, ERROR_MAX)),
            retry_at,
        }
    }

    async fn post(&self, due: &DueDelivery) -> Result<reqwest_tls::StatusCode, SendError> {
        if !self.settings.allow_private_networks && !url_host_is_public(&due.url) {
            return Err(SendError::PrivateAddress);
        }
        let key = due.secret.key().ok_or(SendError::BadSecret)?;
        // Signed per attempt: receivers refuse timestamps more than a few minutes old.
        let timestamp = Utc::now().timestamp();
        let signature = sign(&key, &due.message_id, timestamp, &due.payload);
        let response = self
            .client
            .post(&due.url)
            .header("content-type", "application/json")
            .header("webhook-id", &due.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(due.payload.clone())
            .send()
            .await
            .map_err(SendError::Http)?;
        Ok(response.status())
    }

    async fn record_backlog(&self) {
        let backlog = tokio::time::timeout(
            self.settings.step_timeout,
            self.store.webhook_backlog(Utc::now()),
        )
        .await;
        if let Ok(Ok((pending, oldest_age))) = backlog {
            metrics::gauge!("boxoffice_webhook_pending").set(pending as f64);
            metrics::gauge!("boxoffice_webhook_oldest_pending_seconds").set(oldest_age);
        }
    }
}

#[derive(Debug)]
enum SendError {
    PrivateAddress,
    BadSecret,
    Http(reqwest_tls::Error),
}

fn describe(err: &SendError) -> String {
    match err {
        SendError::PrivateAddress => {
            "the URL points to a private address, which this server does not send to".to_owned()
        }
        SendError::BadSecret => "the endpoint's secret is unreadable".to_owned(),
        SendError::Http(err) if err.is_timeout() => "timed out".to_owned(),
        SendError::Http(err) => {
            // The innermost cause says what happened (refused, reset, no such host).
            let mut cause: &dyn std::error::Error = err;
            while let Some(source) = cause.source() {
                cause = source;
            }
            format!("{err}: {cause}")
        }
    }
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Whether the URL's host is public, when written as an address (names are checked as
/// they resolve, by [`PublicOnly`]).
fn url_host_is_public(url: &str) -> bool {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Ipv4(ip)) => boxoffice_domain::is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => boxoffice_domain::is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name != "localhost" && !name.ends_with(".localhost")
        }
        None => false,
    }
}

/// Resolves names to public addresses only, so a name cannot lead a delivery into the
/// server's own network (also after it was registered: DNS may change).
#[derive(Debug)]
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| boxoffice_domain::is_public(addr.ip()))
                .collect();
            if found.is_empty() {
                let err = std::io::Error::other(format!("{host} has no public address"));
                return Err(err.into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn hosts_written_as_private_addresses_are_not_public() {
        assert!(!url_host_is_public("http://127.0.0.1:8080/"));
        assert!(!url_host_is_public("http://localhost/"));
        assert!(!url_host_is_public("http://[::1]/"));
        assert!(url_host_is_public("https://hooks.example.com/"));
        assert!(url_host_is_public("https://93.184.216.34/"));
    }

    #[test]
    fn long_errors_are_cut_on_a_character_boundary() {
        assert_eq!(truncate("é".repeat(300), 5).len(), 4);
        assert_eq!(truncate("short".to_owned(), 500), "short");
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_only_are_refused() {
        let resolved = PublicOnly
            .resolve(Name::from_str("localhost").expect("a name"))
            .await;
        assert!(resolved.is_err());
    }
}
