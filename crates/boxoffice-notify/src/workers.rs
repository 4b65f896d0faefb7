//! The background tasks of a process, started together and stopped together.

use crate::{Hub, consumer};
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
    pub fn start(store: &Store, broker: &Broker, relay_outbox: bool, hub: Option<&Hub>) -> Self {
        let mut tasks = Vec::new();
        if let Some(hub) = hub {
            tasks.push(tokio::spawn(consumer::deliver_to_sockets(
                broker.clone(),
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
