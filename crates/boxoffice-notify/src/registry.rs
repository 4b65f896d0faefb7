//! The hub's connections, indexed by the events they watch and the users they carry, so a
//! delivery visits its recipients only instead of scanning every connection.

use crate::hub::ConnectionId;
use boxoffice_domain::{Audience, EventId, UserId};
use std::collections::{HashMap, HashSet};

struct Member<O> {
    user: Option<UserId>,
    watching: HashSet<EventId>,
    outbox: O,
}

/// Open connections and their indexes; `O` is where a connection's frames go.
pub(crate) struct Registry<O> {
    connections: HashMap<ConnectionId, Member<O>>,
    /// Who gets an event's seat counts.
    watchers: HashMap<EventId, HashSet<ConnectionId>>,
    /// Who gets a user's notifications (a user may have several connections open).
    signed_in: HashMap<UserId, HashSet<ConnectionId>>,
}

impl<O> Default for Registry<O> {
    fn default() -> Self {
        Registry {
            connections: HashMap::new(),
            watchers: HashMap::new(),
            signed_in: HashMap::new(),
        }
    }
}

/// Removes `id` from `key`'s set, and the set once empty (the index never keeps dead keys).
fn unindex<K: std::hash::Hash + Eq>(
    index: &mut HashMap<K, HashSet<ConnectionId>>,
    key: K,
    id: ConnectionId,
) {
    if let Some(ids) = index.get_mut(&key) {
        ids.remove(&id);
        if ids.is_empty() {
            index.remove(&key);
        }
    }
}

impl<O> Registry<O> {
    pub(crate) fn insert(&mut self, id: ConnectionId, user: Option<UserId>, outbox: O) {
        if let Some(user) = user {
            self.signed_in.entry(user).or_default().insert(id);
        }
        let member = Member {
            user,
            watching: HashSet::new(),
            outbox,
        };
        self.connections.insert(id, member);
    }

    /// Forgets `id` everywhere; returns its outbox.
    pub(crate) fn remove(&mut self, id: ConnectionId) -> Option<O> {
        let member = self.connections.remove(&id)?;
        if let Some(user) = member.user {
            unindex(&mut self.signed_in, user, id);
        }
        for event in member.watching {
            unindex(&mut self.watchers, event, id);
        }
        Some(member.outbox)
    }

    /// Starts or stops `event`'s seat counts for `id`; false if `id` is not connected.
    pub(crate) fn set_watching(
        &mut self,
        id: ConnectionId,
        event: EventId,
        watching: bool,
    ) -> bool {
        let Some(member) = self.connections.get_mut(&id) else {
            return false;
        };
        if watching {
            member.watching.insert(event);
            self.watchers.entry(event).or_default().insert(id);
        } else {
            member.watching.remove(&event);
            unindex(&mut self.watchers, event, id);
        }
        true
    }

    pub(crate) fn get(&self, id: ConnectionId) -> Option<&O> {
        self.connections.get(&id).map(|member| &member.outbox)
    }

    pub(crate) fn len(&self) -> usize {
        self.connections.len()
    }

    /// The connections watching `event`.
    pub(crate) fn watchers(&self, event: EventId) -> impl Iterator<Item = (ConnectionId, &O)> {
        self.watchers
            .get(&event)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(*id).map(|outbox| (*id, outbox)))
    }

    /// The signed-in connections of `audience`, each once.
    pub(crate) fn audience(&self, audience: &Audience) -> Vec<(ConnectionId, &O)> {
        let connections_of = |ids: &HashSet<ConnectionId>| {
            ids.iter()
                .filter_map(|id| self.get(*id).map(|outbox| (*id, outbox)))
                .collect::<Vec<_>>()
        };
        match audience {
            Audience::Everyone => self.signed_in.values().flat_map(connections_of).collect(),
            Audience::Users(users) => {
                let users: HashSet<&UserId> = users.iter().collect();
                users
                    .into_iter()
                    .filter_map(|user| self.signed_in.get(user))
                    .flat_map(connections_of)
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids<'a>(found: impl IntoIterator<Item = (ConnectionId, &'a ())>) -> Vec<ConnectionId> {
        let mut ids: Vec<_> = found.into_iter().map(|(id, _)| id).collect();
        ids.sort_by_key(|id| id.0);
        ids
    }

    #[test]
    fn watchers_follow_watch_unwatch_and_disconnect() {
        let mut registry = Registry::default();
        let (a, b) = (ConnectionId(1), ConnectionId(2));
        registry.insert(a, None, ());
        registry.insert(b, None, ());
        assert!(registry.set_watching(a, EventId(7), true));
        assert!(registry.set_watching(b, EventId(7), true));
        assert!(registry.set_watching(b, EventId(8), true));
        assert_eq!(ids(registry.watchers(EventId(7))), [a, b]);

        registry.set_watching(a, EventId(7), false);
        assert_eq!(ids(registry.watchers(EventId(7))), [b]);

        registry.remove(b);
        assert!(ids(registry.watchers(EventId(7))).is_empty());
        assert!(ids(registry.watchers(EventId(8))).is_empty());
        assert!(registry.watchers.is_empty(), "no event keeps an empty set");
        assert!(!registry.set_watching(b, EventId(7), true), "b is gone");
        assert!(registry.watchers.is_empty());
    }

    #[test]
    fn the_audience_is_each_signed_in_connection_of_its_users_once() {
        let mut registry = Registry::default();
        let (phone, laptop, other, anonymous) = (
            ConnectionId(1),
            ConnectionId(2),
            ConnectionId(3),
            ConnectionId(4),
        );
        registry.insert(phone, Some(UserId(1)), ());
        registry.insert(laptop, Some(UserId(1)), ());
        registry.insert(other, Some(UserId(2)), ());
        registry.insert(anonymous, None, ());

        let repeated = Audience::Users(vec![UserId(1), UserId(1), UserId(9)]);
        assert_eq!(ids(registry.audience(&repeated)), [phone, laptop]);
        assert_eq!(
            ids(registry.audience(&Audience::Everyone)),
            [phone, laptop, other]
        );

        registry.remove(phone);
        assert_eq!(ids(registry.audience(&repeated)), [laptop]);
        registry.remove(laptop);
        assert!(!registry.signed_in.contains_key(&UserId(1)));
    }
}
