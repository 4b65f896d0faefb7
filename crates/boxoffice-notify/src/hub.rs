//! Open WebSocket connections and who receives what.
//!
//! Each connection has a bounded queue. Delivery never waits: a client whose
//! queue is full is dropped (it may reconnect), so one slow reader never slows
//! the others. Every domain event is delivered at most once per process,
//! whatever the broker redelivers.

use crate::dedup::Seen;
use crate::frames;
use crate::registry::Registry;
use boxoffice_domain::{DomainEvent, DomainEventKind, EventId, UserId};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::mpsc;

/// Where a connection's frames wait for its socket.
type Outbox = mpsc::Sender<Arc<str>>;

/// Identifies one open WebSocket connection within its process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnectionId(pub(crate) u64);

struct Inner {
    connections: RwLock<Registry<Outbox>>,
    next_id: AtomicU64,
    seen: Mutex<Seen>,
    queue_capacity: usize,
    /// Where signed-in connections are reported when presence is shared through the store.
    presence: std::sync::OnceLock<crate::Presence>,
}

/// The connections of this process; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("connections", &self.connections())
            .finish()
    }
}

/// A connection's place in the hub; leaving the hub happens on drop.
#[derive(Debug)]
pub struct Registration {
    pub id: ConnectionId,
    /// Frames to write to the socket. Closed when the hub dropped the client for being too slow.
    pub frames: mpsc::Receiver<Arc<str>>,
    hub: Hub,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.remove(self.id);
    }
}

impl Hub {
    /// `queue_capacity` frames may wait for each client before it counts as too slow.
    pub fn new(queue_capacity: usize) -> Self {
        Hub {
            inner: Arc::new(Inner {
                connections: RwLock::new(Registry::default()),
                next_id: AtomicU64::new(1),
                seen: Mutex::new(Seen::default()),
                queue_capacity,
                presence: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Reports signed-in connections to `presence` from now on (once; later calls are ignored).
    pub fn track_presence(&self, presence: crate::Presence) {
        let _ = self.inner.presence.set(presence);
    }

    /// Adds a connection, signed in as `user` or anonymous.
    pub fn register(&self, user: Option<UserId>) -> Registration {
        let id = ConnectionId(self.inner.next_id.fetch_add(1, Ordering::Relaxed));
        let (queue, frames) = mpsc::channel(self.inner.queue_capacity);
        let count = {
            let mut connections = self.inner.connections.write().expect("hub lock");
            connections.insert(id, user, queue);
            connections.len()
        };
        metrics::gauge!("boxoffice_ws_connections").set(count as f64);
        if let (Some(presence), Some(user)) = (self.inner.presence.get(), user) {
            presence.connected(id.0, user);
        }
        Registration {
            id,
            frames,
            hub: self.clone(),
        }
    }

    fn remove(&self, id: ConnectionId) {
        let count = {
            let mut connections = self.inner.connections.write().expect("hub lock");
            connections.remove(id);
            connections.len()
        };
        metrics::gauge!("boxoffice_ws_connections").set(count as f64);
        if let Some(presence) = self.inner.presence.get() {
            presence.disconnected(id.0);
        }
    }

    /// Starts or stops live seat counts for `event` on connection `id`.
    pub fn set_watching(&self, id: ConnectionId, event: EventId, watching: bool) {
        self.inner
            .connections
            .write()
            .expect("hub lock")
            .set_watching(id, event, watching);
    }

    /// Queues a frame for one connection (replies to its own requests).
    pub fn send_to(&self, id: ConnectionId, frame: String) {
        let connections = self.inner.connections.read().expect("hub lock");
        if let Some(queue) = connections.get(id) {
            let _ = queue.try_send(Arc::from(frame));
        }
    }

    pub fn connections(&self) -> usize {
        self.inner.connections.read().expect("hub lock").len()
    }

    /// Delivers a domain event to every connection that should see it; returns the frames queued.
    ///
    /// Signed-in users in the audience get the notification; watchers of the
    /// event get the new seat counts. A repeated domain event is ignored.
    pub fn deliver(&self, change: &DomainEvent) -> usize {
        if !self
            .inner
            .seen
            .lock()
            .expect("dedup lock")
            .insert(&change.id)
        {
            metrics::counter!("boxoffice_notifications_duplicates_total").increment(1);
            return 0;
        }
        let notification: Arc<str> = Arc::from(frames::notification(change));
        let seats: Option<Arc<str>> = change
            .seats
            .map(|counts| Arc::from(frames::seats(change.event_id, counts, change.occurred_at)));
        let mut queued = 0;
        let mut too_slow = Vec::new();
        let mut offer = |id: ConnectionId, queue: &Outbox, frame: &Arc<str>| match queue
            .try_send(frame.clone())
        {
            Ok(()) => queued += 1,
            Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(id),
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        };
        {
            let connections = self.inner.connections.read().expect("hub lock");
            // Notifications first, so a connection that gets both sees them in that order.
            for (id, queue) in connections.audience(&change.audience) {
                offer(id, queue, &notification);
            }
            if let Some(seats) = &seats {
                for (id, queue) in connections.watchers(change.event_id) {
                    offer(id, queue, seats);
                }
            }
        }
        // A client may be too slow for both frames; it is dropped once.
        too_slow.sort_by_key(|id| id.0);
        too_slow.dedup();
        if !too_slow.is_empty() {
            metrics::counter!("boxoffice_ws_slow_clients_dropped_total")
                .increment(too_slow.len() as u64);
            tracing::warn!(
                dropped = too_slow.len(),
                "dropped WebSocket clients that fell behind"
            );
            // Removing the connection drops its sender: the session sees its queue close and hangs up.
            for id in too_slow {
                self.remove(id);
            }
        }
        metrics::counter!("boxoffice_ws_frames_queued_total").increment(queued as u64);
        let delay = (chrono::Utc::now() - change.occurred_at)
            .num_milliseconds()
            .max(0) as f64
            / 1000.0;
        let kind = match change.kind {
            DomainEventKind::EventCreated
            | DomainEventKind::EventUpdated
            | DomainEventKind::EventDeleted => "event",
            DomainEventKind::BookingCreated | DomainEventKind::BookingCancelled => "booking",
        };
        metrics::histogram!("boxoffice_notification_delay_seconds", "kind" => kind).record(delay);
        queued
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boxoffice_domain::{Audience, SeatCounts};

    fn change(kind: DomainEventKind, audience: Audience) -> DomainEvent {
        let mut change = DomainEvent::new(kind, chrono::Utc::now(), EventId(7), "Gig");
        change.audience = audience;
        change.seats = Some(SeatCounts {
            capacity: Some(10),
            seats_booked: 3,
        });
        change
    }

    #[test]
    fn the_audience_decides_who_is_notified_and_watchers_get_seats() {
        let hub = Hub::new(8);
        let mut everyone = hub.register(Some(UserId(1)));
        let mut subscriber = hub.register(Some(UserId(2)));
        let mut watcher = hub.register(None);
        hub.set_watching(watcher.id, EventId(7), true);

        hub.deliver(&change(
            DomainEventKind::EventUpdated,
            Audience::Users(vec![UserId(2)]),
        ));
        assert!(everyone.frames.try_recv().is_err());
        assert!(
            subscriber
                .frames
                .try_recv()
                .unwrap()
                .contains("event.updated")
        );
        assert!(
            watcher
                .frames
                .try_recv()
                .unwrap()
                .contains(r#""type": "seats""#)
        );

        hub.deliver(&change(DomainEventKind::EventCreated, Audience::Everyone));
        assert!(
            everyone
                .frames
                .try_recv()
                .unwrap()
                .contains("event.created")
        );
        assert!(
            watcher.frames.try_recv().unwrap().contains("seats"),
            "anonymous watchers get seats, not notifications"
        );
        assert!(watcher.frames.try_recv().is_err());
    }

    #[test]
    fn a_redelivered_domain_event_is_shown_once() {
        let hub = Hub::new(8);
        let mut client = hub.register(Some(UserId(1)));
        let once = change(DomainEventKind::EventCreated, Audience::Everyone);
        assert_eq!(hub.deliver(&once), 1);
        assert_eq!(hub.deliver(&once), 0);
        assert!(client.frames.try_recv().is_ok());
        assert!(client.frames.try_recv().is_err());
    }

    #[test]
    fn a_client_that_falls_behind_is_dropped_without_holding_up_others() {
        let hub = Hub::new(2);
        let slow = hub.register(Some(UserId(1)));
        let mut fast = hub.register(Some(UserId(2)));
        for _ in 0..3 {
            hub.deliver(&change(DomainEventKind::EventCreated, Audience::Everyone));
            fast.frames.try_recv().unwrap();
        }
        assert_eq!(hub.connections(), 1, "the slow client is gone");
        let mut slow = slow;
        while slow.frames.try_recv().is_ok() {}
        assert!(slow.frames.is_closed());
    }
}
