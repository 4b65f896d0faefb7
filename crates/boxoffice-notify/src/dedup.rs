//! Domain event ids already delivered by this process, so a broker's redelivery is shown once.

use std::collections::{HashSet, VecDeque};

/// Domain event ids remembered for deduplication.
const REMEMBERED_IDS: usize = 100_000;

/// Recently delivered domain event ids, oldest forgotten first.
#[derive(Default)]
pub(crate) struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    /// True if `id` is new (and remembers it).
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() == REMEMBERED_IDS
            && let Some(oldest) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        self.ids.insert(id.to_owned());
        self.order.push_back(id.to_owned());
        true
    }
}
