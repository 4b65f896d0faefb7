//! The newest seat counts waiting for one connection's socket.
//!
//! Seat counts do not queue: a newer count of an event replaces the one still waiting, so a
//! reader that falls behind gets fewer frames (the newest) instead of a growing backlog, and
//! the last state always arrives. Nothing is coalesced while the socket keeps up.

use boxoffice_domain::EventId;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub(crate) struct LatestSeats {
    /// One frame per watched event at most, in the order the events first changed.
    waiting: Mutex<Vec<(EventId, Arc<str>)>>,
    /// Signalled when `waiting` stops being empty.
    ready: Notify,
}

impl LatestSeats {
    /// Makes `frame` the next seat counts of `event`; true if it replaced one still waiting.
    pub(crate) fn put(&self, event: EventId, frame: Arc<str>) -> bool {
        let replaced = {
            let mut waiting = self.waiting.lock().expect("seats lock");
            match waiting
                .iter_mut()
                .find(|(waiting_for, _)| *waiting_for == event)
            {
                Some(slot) => {
                    slot.1 = frame;
                    true
                }
                None => {
                    waiting.push((event, frame));
                    false
                }
            }
        };
        // A replaced frame was already signalled, and the reader takes everything at once.
        if !replaced {
            self.ready.notify_one();
        }
        replaced
    }

    /// Drops the waiting counts of `event` (the connection stopped watching it).
    pub(crate) fn forget(&self, event: EventId) {
        self.waiting
            .lock()
            .expect("seats lock")
            .retain(|(waiting_for, _)| *waiting_for != event);
    }

    /// Moves every waiting frame to `out`.
    pub(crate) fn take(&self, out: &mut Vec<Arc<str>>) {
        let mut waiting = self.waiting.lock().expect("seats lock");
        out.extend(waiting.drain(..).map(|(_, frame)| frame));
    }

    /// Resolves once a frame may be waiting (cancel-safe: a signal is never lost).
    pub(crate) async fn ready(&self) {
        self.ready.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(seats: &LatestSeats) -> Vec<String> {
        let mut out = Vec::new();
        seats.take(&mut out);
        out.iter().map(|frame| frame.to_string()).collect()
    }

    #[test]
    fn the_newest_count_of_each_event_wins_and_the_last_always_arrives() {
        let seats = LatestSeats::default();
        assert!(!seats.put(EventId(7), Arc::from("7: 1")));
        assert!(!seats.put(EventId(8), Arc::from("8: 1")));
        assert!(seats.put(EventId(7), Arc::from("7: 2")));
        assert_eq!(taken(&seats), ["7: 2", "8: 1"]);
        assert!(taken(&seats).is_empty());

        assert!(
            !seats.put(EventId(7), Arc::from("7: 3")),
            "taken frames are not replaced"
        );
        assert_eq!(taken(&seats), ["7: 3"]);
    }

    #[test]
    fn unwatching_forgets_what_waits_for_that_event_only() {
        let seats = LatestSeats::default();
        seats.put(EventId(7), Arc::from("7"));
        seats.put(EventId(8), Arc::from("8"));
        seats.forget(EventId(7));
        assert_eq!(taken(&seats), ["8"]);
    }

    #[tokio::test]
    async fn a_reader_is_woken_by_a_frame_put_before_it_waited() {
        let seats = LatestSeats::default();
        seats.put(EventId(7), Arc::from("7"));
        tokio::time::timeout(std::time::Duration::from_secs(1), seats.ready())
            .await
            .expect("the signal was kept");
    }
}
