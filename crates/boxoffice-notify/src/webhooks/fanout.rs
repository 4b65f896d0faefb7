//! The fan-out loop: outbox rows into deliveries, once each.

use super::{WebhookSettings, step};
use boxoffice_store::Store;
use chrono::Utc;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Fans out until `stop`, waking `sender` whenever deliveries were created.
pub(super) async fn run(
    store: Store,
    settings: WebhookSettings,
    sender: Arc<Notify>,
    stop: CancellationToken,
) {
    // Polled, not woken by the outbox signal: that one wakes a single waiter, the relay.
    loop {
        let started = std::time::Instant::now();
        let round = step(
            settings.step_timeout,
            "fan-out",
            store.fan_out_webhooks(settings.batch, Utc::now()),
        )
        .await;
        if let Ok(fanned) = &round
            && fanned.messages > 0
        {
            tracing::debug!(
                messages = fanned.messages,
                deliveries = fanned.deliveries,
                duration_ms = started.elapsed().as_millis() as u64,
                "webhook fan-out"
            );
        }
        let busy = match round {
            Ok(fanned) => {
                if fanned.deliveries > 0 {
                    metrics::counter!("boxoffice_webhook_deliveries_created_total")
                        .increment(fanned.deliveries);
                    sender.notify_one();
                }
                fanned.messages > 0
            }
            Err(err) => {
                tracing::warn!(error = %err, "webhook fan-out paused");
                false
            }
        };
        if stop.is_cancelled() {
            return;
        }
        if busy {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(settings.poll) => {}
            () = stop.cancelled() => {}
        }
    }
}
