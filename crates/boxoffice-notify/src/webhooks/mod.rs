//! Webhooks: every domain event, signed and POSTed to the organizers' endpoints that want it.
//!
//! Two loops run in the notification service. The fan-out turns each outbox row into one
//! delivery per matching endpoint, once, in one transaction per batch (rows another process
//! holds are skipped). The sender claims due deliveries with a lease, POSTs them with a short
//! timeout, several at once, and records each outcome; a failure is tried again later on a
//! fixed schedule, up to a bound. Neither loop touches the relay or the e-mail and push
//! routing, so a slow receiver delays its own deliveries only.

mod fanout;
mod sender;
mod signature;

pub use sender::WebhookSender;
pub use signature::sign;

use std::time::Duration;

/// How long to wait after the n-th failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h,
/// so 8 attempts over about 28 hours.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// How the webhook loops pace themselves and send.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Send to loopback, private and link-local addresses (tests, a receiver on the same
    /// host); off, such addresses are refused whether written in the URL or resolved.
    pub allow_private_networks: bool,
    /// Longest one attempt may take, connecting included.
    pub timeout: Duration,
    /// The wait after each failed attempt; one attempt more than its length in all.
    pub retry_schedule: Vec<Duration>,
    /// Deliveries claimed (and outbox rows fanned out) per round.
    pub batch: i64,
    /// Deliveries sent at once.
    pub in_flight: usize,
    /// How long a claim keeps other senders off a delivery; longer than `timeout`.
    pub lease: Duration,
    /// Look for work at least this often.
    pub poll: Duration,
    /// A database step that takes longer fails and is tried again later.
    pub step_timeout: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            allow_private_networks: false,
            timeout: Duration::from_secs(10),
            retry_schedule: RETRY_SCHEDULE.to_vec(),
            batch: 32,
            in_flight: 16,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            step_timeout: Duration::from_secs(10),
        }
    }
}

impl WebhookSettings {
    /// Attempts before a delivery is given up.
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.retry_schedule.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }

    /// The wait after the `attempts`-th failure; `None` once the attempts are spent.
    pub fn retry_after(&self, attempts: u32) -> Option<Duration> {
        let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
        self.retry_schedule.get(index).copied()
    }
}

/// Runs one database step, failing it after `limit`.
async fn step<T>(
    limit: Duration,
    name: &'static str,
    work: impl std::future::Future<Output = Result<T, boxoffice_store::StoreError>>,
) -> Result<T, String> {
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(format!("{name}: {err}")),
        Err(_) => {
            metrics::counter!("boxoffice_worker_timeouts_total", "worker" => "webhooks")
                .increment(1);
            Err(format!("the {name} step took longer than the step timeout"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_attempts_over_about_a_day_by_default() {
        let settings = WebhookSettings::default();
        assert_eq!(settings.max_attempts(), 8);
        let total: u64 = (1..8)
            .map(|n| {
                settings
                    .retry_after(n)
                    .expect("within the schedule")
                    .as_secs()
            })
            .sum();
        assert_eq!(total, 5 + 300 + 1800 + 7200 + 18000 + 36000 + 36000);
        assert_eq!(settings.retry_after(8), None);
        assert_eq!(settings.retry_after(0), None);
    }
}
