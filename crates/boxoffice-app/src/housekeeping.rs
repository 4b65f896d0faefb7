//! Forgetting what is no longer needed: idempotency keys past their retention, published
//! outbox rows after a week, idle rate-limit entries (in memory and in the shared table).

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
}

/// The periodic clean-up of one process.
#[derive(Debug, Clone)]
pub struct Housekeeping {
    store: Store,
    rate_limits: RateLimits,
}

impl Housekeeping {
    pub fn new(store: Store, rate_limits: RateLimits) -> Self {
        Housekeeping { store, rate_limits }
    }

    /// One round as of `now`. A failed purge is logged and counted as nothing removed:
    /// the next round tries again.
    pub async fn step(&self, now: DateTime<Utc>) -> Purged {
        let idempotency = chrono::Duration::hours(boxoffice_http::idempotency::RETENTION_HOURS);
        let outbox = chrono::Duration::days(7);
        self.rate_limits.forget_idle().await;
        let idempotency_keys = self
            .store
            .purge_idempotency_keys(now - idempotency)
            .await
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "purging idempotency keys failed");
                0
            });
        let outbox_messages = self
            .store
            .purge_outbox(now - outbox)
            .await
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "purging the outbox failed");
                0
            });
        Purged {
            idempotency_keys,
            outbox_messages,
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
