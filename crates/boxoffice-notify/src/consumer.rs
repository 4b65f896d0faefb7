//! Broker consumers of the notification service.

use crate::Hub;
use boxoffice_broker::{Broker, Subscription};
use boxoffice_domain::DomainEvent;
use boxoffice_store::Store;
use std::time::Duration;

pub(crate) async fn subscribe<F, Fut>(what: &str, connect: F) -> Subscription
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Subscription, boxoffice_broker::BrokerError>>,
{
    let mut backoff = Duration::from_millis(100);
    loop {
        match connect().await {
            Ok(subscription) => return subscription,
            Err(err) => {
                tracing::warn!(error = %err, consumer = what, "cannot subscribe yet");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

fn parse(body: &[u8]) -> Option<DomainEvent> {
    match serde_json::from_slice(body) {
        Ok(change) => Some(change),
        Err(err) => {
            tracing::error!(error = %err, "malformed domain event");
            None
        }
    }
}

/// Feeds this process's WebSocket hub with every domain event from `subscription`
/// (the broker's fan-out, subscribed before the process accepts connections).
pub async fn deliver_to_sockets(mut subscription: Subscription, hub: Hub) {
    while let Some(delivery) = subscription.next().await {
        if let Some(change) = parse(&delivery.message.body) {
            hub.deliver(&change);
        }
        metrics::counter!("boxoffice_notify_consumed_total", "queue" => "fanout").increment(1);
        delivery.ack().await;
    }
}

/// Deliveries recorded in one transaction at most.
const HISTORY_BATCH: usize = 512;

/// Records each domain event in the notification history, once across all processes.
///
/// Whatever has queued up is written in one transaction, so a burst costs one commit.
/// A write that takes longer than `timeout` (a database that stopped answering) counts
/// as failed: the deliveries are retried, and the recorder goes on.
pub async fn record_history(broker: Broker, store: Store, timeout: Duration) {
    let mut subscription = subscribe("work", || broker.work()).await;
    while let Some(first) = subscription.next().await {
        let mut batch = vec![first];
        while batch.len() < HISTORY_BATCH
            && let Some(more) = subscription.try_next()
        {
            batch.push(more);
        }
        metrics::counter!("boxoffice_notify_consumed_total", "queue" => "work")
            .increment(batch.len() as u64);
        let mut changes = Vec::with_capacity(batch.len());
        let mut settled = Vec::with_capacity(batch.len());
        for delivery in batch {
            match parse(&delivery.message.body) {
                Some(change) => {
                    changes.push(change);
                    settled.push(delivery);
                }
                // Never valid: let the broker dead-letter it after its retries.
                None => delivery.retry().await,
            }
        }
        let recorded =
            match tokio::time::timeout(timeout, store.record_notifications(&changes)).await {
                Ok(recorded) => recorded.map_err(|err| err.to_string()),
                Err(_) => {
                    metrics::counter!("boxoffice_worker_timeouts_total", "worker" => "history")
                        .increment(1);
                    Err(format!("no answer within {timeout:?}"))
                }
            };
        match recorded {
            Ok(_) => {
                for delivery in settled {
                    delivery.ack().await;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, messages = settled.len(), "recording notifications failed; will retry");
                tokio::time::sleep(Duration::from_millis(200)).await;
                for delivery in settled {
                    delivery.retry().await;
                }
            }
        }
    }
}
