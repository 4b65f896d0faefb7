//! Forgetting what is no longer needed: idempotency keys past their retention, published
//! outbox rows after a week, settled webhook deliveries after 30 days, idle rate-limit
//! entries (in memory and in the shared table).

use boxoffice_http::auth::RateLimits;
use boxoffice_store::Store;
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often housekeeping runs.
pub const EVERY: Duration = Duration::from_secs(3600);

/// What one housekeeping step removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub idempotency_keys: u64,
    pub outbox_messages: u64,
    pub webhook_deliveries: u64,
}

/// How long a delivered or failed webhook delivery stays in its endpoint's log.
pub const WEBHOOK_DELIVERY_RETENTION_DAYS: i64 = 30;

/// The periodic clean-up of one process.
#[derive(Debug, Clone)]
pub struct Housekeeping {
    store: Store,
    rate_limits: RateLimits,
    /// Each purge fails after this long (a database that stopped answering) and is tried
    /// again at the next round.
    timeout: Duration,
}

impl Housekeeping {
    pub fn new(store: Store, rate_limits: RateLimits, timeout: Duration) -> Self {
        Housekeeping {
            store,
            rate_limits,
            timeout,
        }
    }

    /// One round as of `now`. A failed purge is logged and counted as nothing removed:
    /// the next round tries again.
    pub async fn step(&self, now: DateTime<Utc>) -> Purged {
        let idempotency = chrono::Duration::hours(boxoffice_http::idempotency::RETENTION_HOURS);
        let outbox = chrono::Duration::days(7);
        self.rate_limits.forget_idle().await;
        let idempotency_keys = self
            .purge(
                "idempotency keys",
                self.store.purge_idempotency_keys(now - idempotency),
            )
            .await;
        let outbox_messages = self
            .purge("the outbox", self.store.purge_outbox(now - outbox))
            .await;
        let retention = chrono::Duration::days(WEBHOOK_DELIVERY_RETENTION_DAYS);
        let webhook_deliveries = self
            .purge(
                "webhook deliveries",
                self.store.purge_webhook_deliveries(now - retention),
            )
            .await;
        Purged {
            idempotency_keys,
            outbox_messages,
            webhook_deliveries,
        }
    }

    /// Runs one purge within the timeout; a failure is logged and counts as nothing removed.
    async fn purge(
        &self,
        what: &str,
        purge: impl Future<Output = Result<u64, boxoffice_store::StoreError>>,
    ) -> u64 {
        match tokio::time::timeout(self.timeout, purge).await {
            Ok(Ok(removed)) => removed,
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "purging {what} failed");
                0
            }
            Err(_) => {
                let timeout_ms = self.timeout.as_millis() as u64;
                tracing::warn!(timeout_ms, "purging {what} timed out");
                0
            }
        }
    }

    /// A step at start and then every `every`, until `stop`.
    pub async fn run(self, every: Duration, stop: CancellationToken) {
        let mut tick = tokio::time::interval(every);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = tick.tick() => {}
            }
            self.step(Utc::now()).await;
        }
    }
}
