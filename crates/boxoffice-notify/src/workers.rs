//! The background tasks of a process, started together and stopped together.

use crate::{Hub, consumer};
use boxoffice_broker::{Broker, relay};
use boxoffice_store::Store;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How long a worker's database step may take by default before it fails and is retried.
pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_secs(10);

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
    ///
    /// Each database step of the relay and the history recorder fails after `step_timeout`
    /// and is retried, so a database that stops answering cannot hold them.
    pub async fn start(
        store: &Store,
        broker: &Broker,
        relay_outbox: bool,
        hub: Option<&Hub>,
        step_timeout: Duration,
    ) -> Self {
        let mut tasks = Vec::new();
        if let Some(hub) = hub {
            let feed = consumer::subscribe("fanout", || broker.fanout()).await;
            tasks.push(tokio::spawn(consumer::deliver_to_sockets(
                feed,
                hub.clone(),
            )));
            tasks.push(tokio::spawn(consumer::record_history(
                broker.clone(),
                store.clone(),
                step_timeout,
            )));
        }
        if relay_outbox {
            tasks.push(tokio::spawn(relay::run(
                store.clone(),
                broker.clone(),
                relay::RelaySettings {
                    step_timeout,
                    ..relay::RelaySettings::default()
                },
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
