//! One connection's side of the hub: the frames its socket writes, in the order it writes them.

use crate::hub::{ConnectionId, Hub};
use crate::latest::LatestSeats;
use std::sync::Arc;
use tokio::sync::mpsc;

/// A connection's place in the hub; leaving the hub happens on drop.
#[derive(Debug)]
pub struct Registration {
    pub id: ConnectionId,
    /// Frames to write to the socket. Closed when the hub dropped the client for being too slow.
    pub(crate) frames: mpsc::Receiver<Arc<str>>,
    pub(crate) seats: Arc<LatestSeats>,
    pub(crate) hub: Hub,
}

impl Registration {
    /// Waits for frames to write, then returns every one waiting: up to `max` queued frames,
    /// then, once the queue is empty, the newest seat counts (so a seat count sent in reply to
    /// `watch` is never written after a newer one). `None` once the hub dropped this client
    /// for being too slow. Cancel-safe.
    pub async fn next_frames(&mut self, max: usize) -> Option<Vec<Arc<str>>> {
        let mut out = Vec::new();
        loop {
            tokio::select! {
                biased;
                frame = self.frames.recv() => out.push(frame?),
                () = self.seats.ready() => {}
            }
            self.drain(max, &mut out);
            if !out.is_empty() {
                return Some(out);
            }
        }
    }

    /// The frames waiting now, in the order [`Registration::next_frames`] gives them.
    pub fn waiting(&mut self) -> Vec<Arc<str>> {
        let mut out = Vec::new();
        self.drain(usize::MAX, &mut out);
        out
    }

    fn drain(&mut self, max: usize, out: &mut Vec<Arc<str>>) {
        while out.len() < max {
            match self.frames.try_recv() {
                Ok(frame) => out.push(frame),
                Err(_) => {
                    self.seats.take(out);
                    return;
                }
            }
        }
    }

    /// True once the hub dropped this client and everything queued was taken.
    pub fn is_closed(&self) -> bool {
        self.frames.is_closed() && self.frames.is_empty()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.remove(self.id);
    }
}
