//! Routing deliveries from the outbox, for the embedded broker.
//!
//! The embedded broker keeps nothing across a crash, so it has no deliveries queue: once
//! the relay has published a message (WebSocket frames, history), the outbox row waits for
//! this loop, which claims published rows, routes several at once through the [`Router`]
//! and marks each routed when its deliveries are recorded. A slow mail server therefore
//! holds back e-mail only, never the relay; a crash leaves the row unrouted and it is
//! routed again after its claim lapses, without sending again what was recorded as sent.
//! On RabbitMQ the broker's durable deliveries queue does this job instead.

use crate::deliveries::{Outcome, Router};
use boxoffice_domain::DomainEvent;
use boxoffice_store::{OutboxMessage, StoreError, UnroutedMessage};
use chrono::Utc;
use futures::StreamExt;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How the routing loop paces itself.
#[derive(Debug, Clone)]
pub struct RoutingSettings {
    /// Messages claimed per round.
    pub batch: i64,
    /// Messages routed at once: sends to a mail server overlap instead of queueing.
    pub in_flight: usize,
    /// How long a claim keeps other routing loops off a message. After a crash, what the
    /// dead process had claimed is routed once this lapses. A round that takes longer (a
    /// mail server timing out) is harmless in one process, which claims nothing meanwhile;
    /// with several, a message may be routed twice, and what was recorded as sent is not
    /// sent again.
    pub lease: Duration,
    /// Look for work published by other processes at least this often.
    pub poll: Duration,
    /// Claims of one message before it is given up (logged and counted).
    pub max_attempts: u32,
    /// Wait before a message that failed is routed again, doubling per attempt up to `max_retry_after`.
    pub retry_after: Duration,
    pub max_retry_after: Duration,
    /// A database step (claim, mark) that takes longer fails and is tried again later.
    pub step_timeout: Duration,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        RoutingSettings {
            batch: 64,
            in_flight: 16,
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(500),
            max_attempts: 5,
            retry_after: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(30),
            step_timeout: Duration::from_secs(10),
        }
    }
}

/// What became of one claimed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Routed {
    Done,
    Again,
    GivenUp,
}

impl Router {
    /// Routes published messages from the outbox until `stop`, then one last round.
    pub async fn route_outbox(self, settings: RoutingSettings, stop: CancellationToken) {
        let signal = self.store().routing_signal();
        let mut pause_after_failure = settings.retry_after;
        loop {
            // No limit on the round as a whole: cutting it short could cut a send between the
            // mail server's acceptance and its record. Each send is bounded by its channel's
            // own timeout; each database step by `step_timeout`.
            let (pause, wake_on_publish) = match self.round(&settings).await {
                Ok(claimed) if claimed > 0 && !stop.is_cancelled() => {
                    pause_after_failure = settings.retry_after;
                    continue;
                }
                Ok(_) => {
                    self.record_backlog(settings.step_timeout).await;
                    (settings.poll, true)
                }
                Err(err) => {
                    if matches!(err, RoundError::TimedOut(_)) {
                        metrics::counter!("boxoffice_worker_timeouts_total", "worker" => "routing")
                            .increment(1);
                    }
                    tracing::warn!(
                        error = %err,
                        retry_in_ms = pause_after_failure.as_millis() as u64,
                        "routing deliveries paused"
                    );
                    let pause = pause_after_failure;
                    pause_after_failure = (pause_after_failure * 2).min(settings.max_retry_after);
                    (pause, false)
                }
            };
            if stop.is_cancelled() {
                return;
            }
            let woken = async {
                if wake_on_publish {
                    signal.notified().await;
                } else {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                () = woken => {}
                () = tokio::time::sleep(pause) => {}
                () = stop.cancelled() => {}
            }
        }
    }

    async fn record_backlog(&self, timeout: Duration) {
        let backlog = tokio::time::timeout(timeout, self.store().routing_backlog(Utc::now())).await;
        if let Ok(Ok((pending, oldest_age))) = backlog {
            metrics::gauge!("boxoffice_routing_pending").set(pending as f64);
            metrics::gauge!("boxoffice_routing_oldest_pending_seconds").set(oldest_age);
        }
    }

    /// Claims a batch, routes it and records the outcome; returns how many were claimed.
    async fn round(&self, settings: &RoutingSettings) -> Result<usize, RoundError> {
        let store = self.store();
        let limit = settings.step_timeout;
        let lease =
            chrono::Duration::from_std(settings.lease).unwrap_or(chrono::Duration::seconds(30));
        let claimed = step(
            limit,
            "claim",
            store.claim_unrouted(settings.batch, Utc::now(), lease),
        )
        .await?;
        let count = claimed.len();
        let outcomes: Vec<(UnroutedMessage, Routed)> = futures::stream::iter(claimed)
            .map(|unrouted| async move {
                let routed = self.route(&unrouted, settings.max_attempts).await;
                (unrouted, routed)
            })
            .buffer_unordered(settings.in_flight.max(1))
            .collect()
            .await;
        let mut done = Vec::with_capacity(count);
        for (unrouted, routed) in outcomes {
            metrics::counter!("boxoffice_routing_total", "outcome" => routed.as_str()).increment(1);
            match routed {
                Routed::Done | Routed::GivenUp => done.push(unrouted.message.id),
                Routed::Again => {
                    let wait = retry_after(settings, unrouted.attempts);
                    let not_before =
                        Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    let ids = [unrouted.message.id];
                    step(limit, "defer", store.defer_routing(&ids, not_before)).await?;
                }
            }
        }
        step(limit, "mark", store.mark_routed(&done, Utc::now())).await?;
        Ok(count)
    }

    async fn route(&self, unrouted: &UnroutedMessage, max_attempts: u32) -> Routed {
        let OutboxMessage {
            message_id,
            payload,
            ..
        } = &unrouted.message;
        let change: DomainEvent = match serde_json::from_str(payload) {
            Ok(change) => change,
            Err(err) => {
                tracing::error!(step = "parse", notification = %message_id, error = %err, "malformed domain event; not routed");
                return Routed::GivenUp;
            }
        };
        match self.handle(&change).await {
            Outcome::Done => Routed::Done,
            Outcome::Retry if unrouted.attempts >= max_attempts => {
                tracing::error!(notification = %message_id, attempts = unrouted.attempts, "deliveries given up after repeated failures; see the delivery records");
                Routed::GivenUp
            }
            Outcome::Retry => Routed::Again,
        }
    }
}

/// Why a round stopped before recording every outcome; what it claimed is routed again
/// once the claims lapse.
#[derive(Debug, thiserror::Error)]
enum RoundError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the {0} step took longer than the step timeout")]
    TimedOut(&'static str),
}

/// Runs one database step of a round, failing it after `limit`.
async fn step<T>(
    limit: Duration,
    name: &'static str,
    work: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<T, RoundError> {
    match tokio::time::timeout(limit, work).await {
        Ok(outcome) => Ok(outcome?),
        Err(_) => Err(RoundError::TimedOut(name)),
    }
}

impl Routed {
    fn as_str(self) -> &'static str {
        match self {
            Routed::Done => "routed",
            Routed::Again => "retry",
            Routed::GivenUp => "given_up",
        }
    }
}

/// The wait before routing a message again after its `attempts`-th claim failed.
fn retry_after(settings: &RoutingSettings, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    (settings.retry_after * 2u32.pow(doublings)).min(settings.max_retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_before_routing_again_doubles_up_to_its_ceiling() {
        let settings = RoutingSettings::default();
        let waits: Vec<u64> = (1..=7)
            .map(|n| retry_after(&settings, n).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
    }
}
