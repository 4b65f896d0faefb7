//! Broker consumers of the notification service.
//!
//! Each consumer has a `step` (take the next delivery and what queued up behind it,
//! handle them, say what happened) and a `run` that steps until told to stop. A stop
//! never cuts a step short, and deliveries the broker already handed over are still
//! handled before `run` returns.

use crate::Hub;
use boxoffice_broker::{Broker, Delivery, Subscription};
use boxoffice_domain::DomainEvent;
use boxoffice_store::Store;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Subscribes with `connect`, retrying with back-off while the broker is unreachable.
pub async fn subscribe<F, Fut>(what: &str, connect: F) -> Subscription
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

/// The next delivery to handle: waited for until `stop`; after it, only one already queued.
pub(crate) async fn next_until(
    subscription: &mut Subscription,
    stop: &CancellationToken,
) -> Option<Delivery> {
    if stop.is_cancelled() {
        return subscription.try_next();
    }
    tokio::select! {
        biased;
        () = stop.cancelled() => subscription.try_next(),
        next = subscription.next() => next,
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

/// Feeds this process's WebSocket hub with every domain event of the broker's fan-out.
#[derive(Debug)]
pub struct SocketFeed {
    subscription: Subscription,
    hub: Hub,
}

impl SocketFeed {
    /// Subscribes to the fan-out; done before the process accepts connections, so a
    /// client never misses a frame that arrived before its process's queue existed.
    pub async fn subscribe(broker: &Broker, hub: Hub) -> Self {
        let subscription = subscribe("fanout", || broker.fanout()).await;
        SocketFeed { subscription, hub }
    }

    /// Delivers the next domain event; returns the frames queued for sockets, or `None`
    /// once the broker is shut down.
    pub async fn step(&mut self) -> Option<usize> {
        let delivery = self.subscription.next().await?;
        Some(self.deliver(delivery).await)
    }

    async fn deliver(&self, delivery: Delivery) -> usize {
        let queued = parse(&delivery.message.body).map_or(0, |change| self.hub.deliver(&change));
        metrics::counter!("boxoffice_notify_consumed_total", "queue" => "fanout").increment(1);
        delivery.ack().await;
        queued
    }

    /// Steps until `stop`, then delivers what is already queued.
    pub async fn run(mut self, stop: CancellationToken) {
        while let Some(delivery) = next_until(&mut self.subscription, &stop).await {
            self.deliver(delivery).await;
        }
    }
}

/// How long a worker's database step may take by default before it fails and is retried.
pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// Deliveries recorded in one transaction at most.
const HISTORY_BATCH: usize = 512;

/// What one step of the history recorder did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryStep {
    /// Domain events written in this step's transaction (and acknowledged).
    pub recorded: usize,
    /// Deliveries handed back to the broker for a later attempt.
    pub retried: usize,
}

/// Records each domain event in the notification history, once across all processes.
#[derive(Debug)]
pub struct HistoryRecorder {
    subscription: Subscription,
    store: Store,
    timeout: Duration,
}

impl HistoryRecorder {
    /// Subscribes to the broker's work queue (retrying while it is unreachable).
    pub async fn subscribe(broker: &Broker, store: Store) -> Self {
        let subscription = subscribe("work", || broker.work()).await;
        HistoryRecorder {
            subscription,
            store,
            timeout: DEFAULT_STEP_TIMEOUT,
        }
    }

    /// A write that takes longer than `timeout` (a database that stopped answering) counts
    /// as failed: its deliveries are retried, and the recorder goes on.
    pub fn with_step_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Records the next delivery and whatever queued up behind it; `None` once the
    /// broker is shut down.
    pub async fn step(&mut self) -> Option<HistoryStep> {
        let first = self.subscription.next().await?;
        Some(self.record(first).await)
    }

    /// Steps until `stop`, then records what is already queued.
    pub async fn run(mut self, stop: CancellationToken) {
        while let Some(first) = next_until(&mut self.subscription, &stop).await {
            self.record(first).await;
        }
    }

    /// Writes `first` and the deliveries queued behind it in one transaction, so a burst
    /// costs one commit.
    async fn record(&mut self, first: Delivery) -> HistoryStep {
        let mut batch = vec![first];
        while batch.len() < HISTORY_BATCH
            && let Some(more) = self.subscription.try_next()
        {
            batch.push(more);
        }
        metrics::counter!("boxoffice_notify_consumed_total", "queue" => "work")
            .increment(batch.len() as u64);
        let mut step = HistoryStep::default();
        let mut changes = Vec::with_capacity(batch.len());
        let mut settled = Vec::with_capacity(batch.len());
        for delivery in batch {
            match parse(&delivery.message.body) {
                // The history keeps notices; a change of seat counts alone is only settled.
                Some(change) => {
                    if change.kind.is_notice() {
                        changes.push(change);
                    }
                    settled.push(delivery);
                }
                // Never valid: let the broker dead-letter it after its retries.
                None => {
                    step.retried += 1;
                    delivery.retry().await;
                }
            }
        }
        let timeout = self.timeout;
        let recorded =
            match tokio::time::timeout(timeout, self.store.record_notifications(&changes)).await {
                Ok(recorded) => recorded.map_err(|err| err.to_string()),
                Err(_) => {
                    metrics::counter!("boxoffice_worker_timeouts_total", "worker" => "history")
                        .increment(1);
                    Err(format!("no answer within {timeout:?}"))
                }
            };
        match recorded {
            Ok(_) => {
                step.recorded = settled.len();
                for delivery in settled {
                    delivery.ack().await;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, messages = settled.len(), "recording notifications failed; will retry");
                tokio::time::sleep(Duration::from_millis(200)).await;
                step.retried += settled.len();
                for delivery in settled {
                    delivery.retry().await;
                }
            }
        }
        step
    }
}
