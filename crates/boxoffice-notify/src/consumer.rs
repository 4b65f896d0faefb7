//! Broker consumers of the notification service.

use crate::Hub;
use boxoffice_broker::{Broker, Subscription};
use boxoffice_domain::DomainEvent;
use boxoffice_store::Store;
use std::time::Duration;

async fn subscribe<F, Fut>(what: &str, connect: F) -> Subscription
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

/// Feeds this process's WebSocket hub with every domain event.
pub async fn deliver_to_sockets(broker: Broker, hub: Hub) {
    let mut subscription = subscribe("fanout", || broker.fanout()).await;
    while let Some(delivery) = subscription.next().await {
        if let Some(change) = parse(&delivery.message.body) {
            hub.deliver(&change);
        }
        metrics::counter!("boxoffice_notify_consumed_total", "queue" => "fanout").increment(1);
        delivery.ack().await;
    }
}

/// Records each domain event in the notification history, once across all processes.
pub async fn record_history(broker: Broker, store: Store) {
    let mut subscription = subscribe("work", || broker.work()).await;
    while let Some(delivery) = subscription.next().await {
        metrics::counter!("boxoffice_notify_consumed_total", "queue" => "work").increment(1);
        let Some(change) = parse(&delivery.message.body) else {
            // Never valid: let the broker dead-letter it after its retries.
            delivery.retry().await;
            continue;
        };
        match store.record_notification(&change).await {
            Ok(_) => delivery.ack().await,
            Err(err) => {
                tracing::warn!(error = %err, message.id = %change.id, "recording a notification failed; will retry");
                tokio::time::sleep(Duration::from_millis(200)).await;
                delivery.retry().await;
            }
        }
    }
}
