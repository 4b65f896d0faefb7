//! The background tasks of a process, started together and stopped in order.

use crate::housekeeping::{self, Housekeeping};
use boxoffice_broker::{Broker, relay};
use boxoffice_http::auth::RateLimits;
use boxoffice_notify::{
    HistoryRecorder, Hub, Router, RoutingSettings, SocketFeed, WebhookSender, WebhookSettings,
    consumer,
};
use boxoffice_store::{Routing, Store};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How long each group of tasks gets to finish its step once told to stop.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Running background tasks; dropping this aborts them.
#[derive(Debug)]
pub(crate) struct Workers {
    /// The outbox relay, stopped first: its last step publishes what the last requests committed.
    relay: Group,
    /// Consumers and housekeeping, stopped once nothing more will be published.
    consumers: Group,
}

#[derive(Debug, Default)]
struct Group {
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl Group {
    async fn stop(&mut self) {
        self.stop.cancel();
        for mut task in self.tasks.drain(..) {
            if tokio::time::timeout(STOP_GRACE, &mut task).await.is_err() {
                tracing::warn!("a background task did not stop in time and was cut");
                task.abort();
            }
        }
    }
}

/// What the notification service of this process runs beside e-mail and push routing.
#[derive(Debug)]
pub(crate) struct NotificationSide<'a> {
    /// The WebSocket connections the feed writes to.
    pub hub: &'a Hub,
    pub webhooks: WebhookSettings,
}

impl Workers {
    /// Starts what a process needs: the outbox relay if it runs the event service,
    /// the WebSocket feed, history recorder and webhook sender if it runs the notification
    /// service (`notifications`), and housekeeping.
    ///
    /// Returns once the WebSocket feed is subscribed (retrying while the broker is
    /// unreachable), so a client that connects after start-up never misses a frame that
    /// the process's fan-out queue did not exist yet to receive.
    pub(crate) async fn start(
        store: &Store,
        broker: &Broker,
        relay_outbox: bool,
        notifications: Option<NotificationSide<'_>>,
        rate_limits: RateLimits,
        step_timeout: Duration,
        router: Option<Router>,
    ) -> Self {
        let mut relay = Group::default();
        let mut consumers = Group::default();
        if let Some(router) = router {
            let stop = consumers.stop.clone();
            let routing = match broker.routing() {
                Routing::OnPublish => {
                    let subscription =
                        consumer::subscribe("deliveries", || broker.deliveries()).await;
                    tokio::spawn(router.consume(subscription, stop))
                }
                Routing::FromOutbox => tokio::spawn(router.route_outbox(
                    RoutingSettings {
                        step_timeout,
                        ..RoutingSettings::default()
                    },
                    stop,
                )),
            };
            consumers.tasks.push(routing);
        }
        if let Some(NotificationSide { hub, webhooks }) = notifications {
            let feed = SocketFeed::subscribe(broker, hub.clone()).await;
            consumers
                .tasks
                .push(tokio::spawn(feed.run(consumers.stop.clone())));
            let (broker, history, stop) = (broker.clone(), store.clone(), consumers.stop.clone());
            consumers.tasks.push(tokio::spawn(async move {
                HistoryRecorder::subscribe(&broker, history)
                    .await
                    .with_step_timeout(step_timeout)
                    .run(stop)
                    .await;
            }));
            match WebhookSender::new(store.clone(), webhooks) {
                Ok(sender) => consumers
                    .tasks
                    .push(tokio::spawn(sender.run(consumers.stop.clone()))),
                Err(err) => {
                    tracing::error!(error = %err, "webhooks cannot be sent: no HTTP client")
                }
            }
        }
        if relay_outbox {
            relay.tasks.push(tokio::spawn(relay::run(
                store.clone(),
                broker.clone(),
                relay::RelaySettings {
                    step_timeout,
                    ..relay::RelaySettings::default()
                },
                relay.stop.clone(),
            )));
            let (store, stop) = (store.clone(), relay.stop.clone());
            relay
                .tasks
                .push(tokio::spawn(crate::holds::run(store, stop)));
        }
        let housekeeping = Housekeeping::new(store.clone(), rate_limits, step_timeout);
        consumers.tasks.push(tokio::spawn(
            housekeeping.run(housekeeping::EVERY, consumers.stop.clone()),
        ));
        Workers { relay, consumers }
    }

    /// Stops the relay, then the consumers and housekeeping, each after its step in progress.
    pub(crate) async fn stop(mut self) {
        self.relay.stop().await;
        self.consumers.stop().await;
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for task in self.relay.tasks.iter().chain(&self.consumers.tasks) {
            task.abort();
        }
    }
}
