//! Presence: the signed-in users this process holds WebSocket connections for, recorded in
//! the store so that any process can tell whether a user is online.
//!
//! The hub reports connections as they open and close; a background task writes them, renews
//! this process's heartbeat and sweeps processes whose heartbeat expired (crashed or killed),
//! whose rows then vanish with them. The hub never waits for the database.

use boxoffice_domain::UserId;
use boxoffice_store::{Store, StoreError};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often the heartbeat is renewed, and how old it may get before the process counts as gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresenceSettings {
    pub heartbeat: Duration,
    /// At least a few heartbeats, so one slow renewal does not make everyone offline.
    pub expiry: Duration,
}

impl Default for PresenceSettings {
    fn default() -> Self {
        PresenceSettings {
            heartbeat: Duration::from_secs(10),
            expiry: Duration::from_secs(30),
        }
    }
}

#[derive(Debug)]
enum Change {
    Connected(u64, UserId),
    Disconnected(u64),
}

/// This process's presence recorder; cheap to clone.
#[derive(Debug, Clone)]
pub struct Presence {
    changes: mpsc::UnboundedSender<Change>,
    process: Arc<str>,
}

impl Presence {
    /// Records this process (so its connections can be written at once) and starts the task
    /// that keeps the store up to date. It ends, removing the process, when every clone of
    /// the returned `Presence` (and the hub holding one) is gone.
    pub async fn start(store: Store, settings: PresenceSettings) -> Result<Self, StoreError> {
        let process: Arc<str> = process_id().into();
        store.presence_heartbeat(&process, Utc::now()).await?;
        let (changes, received) = mpsc::unbounded_channel();
        tokio::spawn(run(store, process.clone(), settings, received));
        tracing::info!(process = %process, "presence recorded in the store");
        Ok(Presence { changes, process })
    }

    /// This process's id in the store.
    pub fn process(&self) -> &str {
        &self.process
    }

    pub(crate) fn connected(&self, connection: u64, user: UserId) {
        let _ = self.changes.send(Change::Connected(connection, user));
    }

    pub(crate) fn disconnected(&self, connection: u64) {
        let _ = self.changes.send(Change::Disconnected(connection));
    }
}

/// Unique per process start: the pid alone repeats across restarts and hosts.
fn process_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}-{:x}", std::process::id(), nanos)
}

async fn run(
    store: Store,
    process: Arc<str>,
    settings: PresenceSettings,
    mut changes: mpsc::UnboundedReceiver<Change>,
) {
    let mut open: HashMap<u64, UserId> = HashMap::new();
    // Set when a write failed: the store may disagree with `open` until rewritten.
    let mut stale = false;
    let mut tick = tokio::time::interval(settings.heartbeat);
    let expiry = chrono::Duration::from_std(settings.expiry).unwrap_or(chrono::Duration::MAX);
    loop {
        tokio::select! {
            change = changes.recv() => {
                let written = match change {
                    None => break,
                    Some(Change::Connected(id, user)) => {
                        open.insert(id, user);
                        store.presence_connect(&process, id, user, Utc::now()).await
                    }
                    Some(Change::Disconnected(id)) => match open.remove(&id) {
                        Some(_) => store.presence_disconnect(&process, id).await,
                        None => Ok(()), // anonymous: never recorded
                    },
                };
                if let Err(err) = written {
                    tracing::warn!(error = %err, "could not record a WebSocket connection");
                    stale = true;
                }
            }
            _ = tick.tick() => {
                let now = Utc::now();
                stale = !renew(&store, &process, &open, stale).await;
                match store.presence_sweep(now - expiry).await {
                    Ok(0) => {}
                    Ok(gone) => tracing::info!(processes = gone, "swept presence of stopped processes"),
                    Err(err) => tracing::warn!(error = %err, "could not sweep presence"),
                }
                if let Ok(users) = store.online_users(now - expiry).await {
                    metrics::gauge!("boxoffice_ws_online_users").set(users as f64);
                }
            }
        }
    }
    if let Err(err) = store.presence_leave(&process).await {
        tracing::warn!(error = %err, "could not remove this process's presence");
    }
}

/// Renews the heartbeat, rewriting every connection if the store lost them (the process was
/// swept while stalled) or a write failed; `true` when the store is up to date.
async fn renew(store: &Store, process: &str, open: &HashMap<u64, UserId>, stale: bool) -> bool {
    let now = Utc::now();
    let rewrite = async {
        if stale {
            // Start from nothing: removes rows of connections whose removal failed.
            store.presence_leave(process).await?;
        }
        if !store.presence_heartbeat(process, now).await? || stale {
            for (&id, &user) in open {
                store.presence_connect(process, id, user, now).await?;
            }
        }
        Ok::<_, StoreError>(())
    };
    match rewrite.await {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(error = %err, "could not renew presence");
            false
        }
    }
}
