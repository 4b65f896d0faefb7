//! The outbox relay: publishes domain events recorded by the event service.
//!
//! A change and its domain event commit together; this loop then publishes
//! the event and marks it published only after the broker confirmed it. If
//! the process stops in between, the event is published again later, which
//! consumers absorb by deduplicating on the message id. Nothing is lost.

use crate::{Broker, Message};
use boxoffice_store::{OutboxMessage, Store};
use chrono::Utc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How the relay paces itself.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Messages taken per round. A round costs a few round trips to the database whatever
    /// its size (claim, history write, mark), so under a burst the relay keeps up by taking
    /// more per round, not by running more rounds.
    pub batch: i64,
    /// How long a claim keeps other relays off a message.
    pub lease: Duration,
    /// Look for work written by other processes at least this often.
    pub poll: Duration,
    /// Back-off after a failure, doubling up to `max_backoff`.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// A round (claim, publish, mark) that takes longer fails and is retried after the
    /// back-off: a database that stops answering without closing its connections would
    /// otherwise hold the relay until the operating system gives up on the connection.
    pub step_timeout: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        RelaySettings {
            batch: 500,
            lease: Duration::from_secs(10),
            poll: Duration::from_millis(500),
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            step_timeout: Duration::from_secs(10),
        }
    }
}

/// Moves domain events from the outbox to the broker until `stop` is cancelled.
///
/// Stopping happens between steps, never inside one: a claimed batch is always published
/// and marked (or its claims released). After `stop`, one last step runs, so what the
/// process committed just before stopping goes out now rather than at the next start.
pub async fn run(store: Store, broker: Broker, settings: RelaySettings, stop: CancellationToken) {
    let signal = store.outbox_signal();
    let mut backoff = settings.min_backoff;
    loop {
        // After a partial batch the wait ends early on a commit; after a failure it does not.
        let round = tokio::time::timeout(
            settings.step_timeout,
            relay_batch(&store, &broker, &settings),
        );
        let outcome = round
            .await
            .unwrap_or(Err(RelayError::TimedOut(settings.step_timeout)));
        let (pause, wake_on_commit) = match outcome {
            Ok(published) if published >= settings.batch as usize && !stop.is_cancelled() => {
                backoff = settings.min_backoff;
                continue;
            }
            Ok(_) => {
                backoff = settings.min_backoff;
                record_backlog(&store, settings.step_timeout).await;
                (settings.poll, true)
            }
            Err(err) => {
                if matches!(err, RelayError::TimedOut(_)) {
                    metrics::counter!("boxoffice_worker_timeouts_total", "worker" => "relay")
                        .increment(1);
                }
                tracing::warn!(error = %err, retry_in_ms = backoff.as_millis() as u64, "outbox relay paused");
                record_backlog(&store, settings.step_timeout).await;
                let pause = backoff;
                backoff = (backoff * 2).min(settings.max_backoff);
                (pause, false)
            }
        };
        if stop.is_cancelled() {
            return;
        }
        // Woken by this process's commits; the timeout catches other processes' and retries.
        let wait = async {
            if wake_on_commit {
                let _ = tokio::time::timeout(pause, signal.notified()).await;
            } else {
                tokio::time::sleep(pause).await;
            }
        };
        tokio::select! {
            () = stop.cancelled() => {}
            () = wait => {}
        }
    }
}

/// One step of the relay: claims a batch, publishes it and marks it published; returns
/// how many were published. On a failure the unpublished rest is released for a later step.
pub async fn relay_batch(
    store: &Store,
    broker: &Broker,
    settings: &RelaySettings,
) -> Result<usize, RelayError> {
    let lease = chrono::Duration::from_std(settings.lease).unwrap_or(chrono::Duration::seconds(30));
    let claimed = store
        .claim_outbox(settings.batch, Utc::now(), lease)
        .await?;
    // The whole batch is in flight at once and its confirms are awaited together: waiting
    // for each confirm before the next publish would cap the relay at one message per
    // broker round-trip (a disk write on RabbitMQ).
    let outcomes = futures::future::join_all(claimed.iter().map(|row| {
        let message = message_of(row);
        async move { broker.publish(&message).await }
    }))
    .await;
    let mut published = Vec::with_capacity(claimed.len());
    let mut unpublished = Vec::new();
    let mut failure = None;
    for (row, outcome) in claimed.iter().zip(outcomes) {
        match outcome {
            Ok(()) => {
                published.push(row.id);
                metrics::counter!("boxoffice_outbox_published_total", "kind" => row.kind.clone())
                    .increment(1);
            }
            Err(err) => {
                metrics::counter!("boxoffice_outbox_publish_failures_total").increment(1);
                unpublished.push(row.id);
                failure.get_or_insert(err);
            }
        }
    }
    store
        .mark_published(&published, Utc::now(), broker.routing())
        .await?;
    if let Some(err) = failure {
        store.release_claims(&unpublished).await?;
        return Err(err.into());
    }
    Ok(claimed.len())
}

fn message_of(row: &OutboxMessage) -> Message {
    Message {
        id: row.message_id.clone(),
        routing_key: row.kind.clone(),
        body: row.payload.clone().into_bytes(),
    }
}

async fn record_backlog(store: &Store, timeout: Duration) {
    let backlog = tokio::time::timeout(timeout, store.outbox_backlog(Utc::now())).await;
    if let Ok(Ok((pending, oldest_age))) = backlog {
        metrics::gauge!("boxoffice_outbox_pending").set(pending as f64);
        metrics::gauge!("boxoffice_outbox_oldest_pending_seconds").set(oldest_age);
    }
}

/// Why a relay round stopped.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Store(#[from] boxoffice_store::StoreError),
    #[error(transparent)]
    Broker(#[from] crate::BrokerError),
    #[error("the round took longer than {0:?}")]
    TimedOut(Duration),
}
