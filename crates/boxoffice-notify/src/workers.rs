//! The background tasks of a process, started together and stopped together.

use crate::{Hub, Router, consumer};
use boxoffice_broker::{Broker, relay};
use boxoffice_store::Store;
use tokio::task::JoinHandle;

/// Running background tasks; dropping this aborts them.
#[derive(Debug, Default)]
pub struct Workers {
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts what a process needs: the outbox relay if it runs the event service,
    /// the WebSocket feed and history recorder if it runs the notification service (`hub`).
    ///
    /// Returns once the WebSocket feed is subscribed (retrying while the broker is
    /// unreachable), so a client that connects after start-up never misses a frame that
    /// the process's fan-out queue did not exist yet to receive.
    pub async fn start(
        store: &Store,
        broker: &Broker,
        relay_outbox: bool,
        hub: Option<&Hub>,
    ) -> Self {
        Self::start_routing(store, broker, relay_outbox, hub, None).await
    }

    /// Like [`Workers::start`], with `router` sending e-mail and push from this process.
    ///
    /// The router subscribes before the relay starts, so the in-process broker keeps
    /// every message for it from the first one on.
    pub async fn start_routing(
        store: &Store,
        broker: &Broker,
        relay_outbox: bool,
        hub: Option<&Hub>,
        router: Option<Router>,
    ) -> Self {
        let mut tasks = Vec::new();
        if let Some(router) = router {
            let subscription = consumer::subscribe("deliveries", || broker.deliveries()).await;
            tasks.push(tokio::spawn(router.consume(subscription)));
        }
        if let Some(hub) = hub {
            let feed = consumer::subscribe("fanout", || broker.fanout()).await;
            tasks.push(tokio::spawn(consumer::deliver_to_sockets(
                feed,
                hub.clone(),
            )));
            tasks.push(tokio::spawn(consumer::record_history(
                broker.clone(),
                store.clone(),
            )));
        }
        if relay_outbox {
            tasks.push(tokio::spawn(relay::run(
                store.clone(),
                broker.clone(),
                relay::RelaySettings::default(),
            )));
        }
        Workers { tasks }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
