//! Open WebSocket connections and who receives what.
//!
//! Each connection has a bounded queue for notifications and replies, and a slot per
//! watched event for seat counts, where a newer count replaces one still waiting.
//! Delivery never waits: a client whose queue is full is dropped (it may reconnect), so
//! one slow reader never slows the others; a slow watcher gets fewer, newer seat counts.
//! Every domain event is delivered at most once per process, whatever the broker redelivers.

use crate::dedup::Seen;
use crate::frames;
use crate::latest::LatestSeats;
pub use crate::registration::Registration;
use crate::registry::Registry;
use boxoffice_domain::{DomainEvent, DomainEventKind, EventId, UserId};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::mpsc;

/// Where a connection's frames wait for its socket.
#[derive(Debug, Clone)]
struct Outbox {
    queue: mpsc::Sender<Arc<str>>,
    seats: Arc<LatestSeats>,
}

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
        let seats = Arc::new(LatestSeats::default());
        let outbox = Outbox {
            queue,
            seats: seats.clone(),
        };
        let count = {
            let mut connections = self.inner.connections.write().expect("hub lock");
            connections.insert(id, user, outbox);
            connections.len()
        };
        metrics::gauge!("boxoffice_ws_connections").set(count as f64);
        if let (Some(presence), Some(user)) = (self.inner.presence.get(), user) {
            presence.connected(id.0, user);
        }
        Registration {
            id,
            frames,
            seats,
            hub: self.clone(),
        }
    }

    pub(crate) fn remove(&self, id: ConnectionId) {
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
        let mut connections = self.inner.connections.write().expect("hub lock");
        connections.set_watching(id, event, watching);
        if !watching && let Some(outbox) = connections.get(id) {
            outbox.seats.forget(event);
        }
    }

    /// Queues a frame for one connection (replies to its own requests).
    pub fn send_to(&self, id: ConnectionId, frame: String) {
        let connections = self.inner.connections.read().expect("hub lock");
        if let Some(outbox) = connections.get(id) {
            let _ = outbox.queue.try_send(Arc::from(frame));
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
        let mut coalesced = 0;
        let mut too_slow = Vec::new();
        {
            let connections = self.inner.connections.read().expect("hub lock");
            // The writer takes queued frames before seat counts, so a connection that gets
            // both sees the notification first.
            for (id, outbox) in connections.audience(&change.audience) {
                match outbox.queue.try_send(notification.clone()) {
                    Ok(()) => queued += 1,
                    Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(id),
                    Err(mpsc::error::TrySendError::Closed(_)) => {}
                }
            }
            if let Some(seats) = &seats {
                for (_, outbox) in connections.watchers(change.event_id) {
                    queued += 1;
                    if outbox.seats.put(change.event_id, seats.clone()) {
                        coalesced += 1;
                    }
                }
            }
        }
        if coalesced > 0 {
            metrics::counter!("boxoffice_ws_seat_frames_coalesced_total").increment(coalesced);
        }
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
            DomainEventKind::BookingCreated
            | DomainEventKind::BookingCancelled
            | DomainEventKind::BookingPromoted => "booking",
            DomainEventKind::SeatsHeld | DomainEventKind::SeatsReleased => "seats",
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
        booked(kind, audience, 3)
    }

    fn booked(kind: DomainEventKind, audience: Audience, seats_booked: i32) -> DomainEvent {
        let mut change = DomainEvent::new(kind, chrono::Utc::now(), EventId(7), "Gig");
        change.audience = audience;
        change.seats = Some(SeatCounts {
            capacity: Some(10),
            seats_booked,
        });
        change
    }

    fn waiting(registration: &mut Registration) -> Vec<String> {
        registration
            .waiting()
            .iter()
            .map(|frame| frame.to_string())
            .collect()
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
        assert!(waiting(&mut everyone).is_empty());
        let frames = waiting(&mut subscriber);
        assert!(frames.len() == 1 && frames[0].contains("event.updated"));
        let frames = waiting(&mut watcher);
        assert!(frames.len() == 1 && frames[0].contains(r#""type": "seats""#));

        hub.deliver(&change(DomainEventKind::EventCreated, Audience::Everyone));
        let frames = waiting(&mut everyone);
        assert!(frames.len() == 1 && frames[0].contains("event.created"));
        let frames = waiting(&mut watcher);
        assert!(
            frames.len() == 1 && frames[0].contains("seats"),
            "anonymous watchers get seats, not notifications"
        );
    }

    #[test]
    fn a_redelivered_domain_event_is_shown_once() {
        let hub = Hub::new(8);
        let mut client = hub.register(Some(UserId(1)));
        let once = change(DomainEventKind::EventCreated, Audience::Everyone);
        assert_eq!(hub.deliver(&once), 1);
        assert_eq!(hub.deliver(&once), 0);
        assert_eq!(waiting(&mut client).len(), 1);
    }

    #[test]
    fn a_client_that_falls_behind_is_dropped_without_holding_up_others() {
        let hub = Hub::new(2);
        let mut slow = hub.register(Some(UserId(1)));
        let mut fast = hub.register(Some(UserId(2)));
        for _ in 0..3 {
            hub.deliver(&change(DomainEventKind::EventCreated, Audience::Everyone));
            assert_eq!(waiting(&mut fast).len(), 1);
        }
        assert_eq!(hub.connections(), 1, "the slow client is gone");
        assert_eq!(waiting(&mut slow).len(), 2);
        assert!(slow.is_closed());
    }

    #[test]
    fn a_watcher_that_falls_behind_gets_the_newest_seat_counts_and_stays() {
        let hub = Hub::new(2);
        let mut watcher = hub.register(None);
        hub.set_watching(watcher.id, EventId(7), true);
        for seats_booked in 1..=5 {
            hub.deliver(&booked(
                DomainEventKind::BookingCreated,
                Audience::Users(vec![]),
                seats_booked,
            ));
        }
        let frames = waiting(&mut watcher);
        assert_eq!(frames.len(), 1, "{frames:?}");
        assert!(frames[0].contains(r#""seats_booked": 5"#), "{frames:?}");
        assert_eq!(hub.connections(), 1, "coalescing is not falling behind");

        hub.deliver(&booked(
            DomainEventKind::BookingCancelled,
            Audience::Users(vec![]),
            4,
        ));
        let frames = waiting(&mut watcher);
        assert!(
            frames[0].contains(r#""seats_booked": 4"#),
            "the last state arrives"
        );
    }

    #[test]
    fn replies_queued_before_seat_counts_are_written_before_them() {
        let hub = Hub::new(8);
        let mut watcher = hub.register(None);
        hub.set_watching(watcher.id, EventId(7), true);
        hub.deliver(&change(DomainEventKind::BookingCreated, Audience::Everyone));
        hub.send_to(watcher.id, "ack".to_owned());
        let frames = waiting(&mut watcher);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0], "ack");
        assert!(frames[1].contains("seats"));
    }

    #[test]
    fn unwatching_drops_the_seat_counts_still_waiting() {
        let hub = Hub::new(8);
        let mut watcher = hub.register(None);
        hub.set_watching(watcher.id, EventId(7), true);
        hub.deliver(&change(DomainEventKind::BookingCreated, Audience::Everyone));
        hub.set_watching(watcher.id, EventId(7), false);
        assert!(waiting(&mut watcher).is_empty());
        hub.deliver(&change(DomainEventKind::BookingCreated, Audience::Everyone));
        assert!(waiting(&mut watcher).is_empty());
    }

    #[tokio::test]
    async fn the_writer_wakes_for_seat_counts_and_sees_the_hub_drop_it() {
        let hub = Hub::new(1);
        let mut watcher = hub.register(Some(UserId(1)));
        hub.set_watching(watcher.id, EventId(7), true);
        let writer = tokio::spawn(async move {
            let first = watcher.next_frames(64).await;
            (first, watcher)
        });
        tokio::task::yield_now().await;
        hub.deliver(&change(
            DomainEventKind::BookingCreated,
            Audience::Users(vec![]),
        ));
        let (first, mut watcher) = writer.await.expect("writer");
        assert!(first.expect("frames")[0].contains("seats"));

        for _ in 0..2 {
            hub.deliver(&change(DomainEventKind::EventCreated, Audience::Everyone));
        }
        let queued = watcher.next_frames(64).await.expect("the queued frame");
        assert!(queued[0].contains("event.created"));
        assert!(
            watcher.next_frames(64).await.is_none(),
            "dropped: its queue was full"
        );
    }
}
