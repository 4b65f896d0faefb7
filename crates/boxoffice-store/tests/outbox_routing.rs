//! The outbox's two steps, on SQLite and PostgreSQL: published by the relay, then routed
//! (deliveries recorded) by the routing loop, each under its own claim.

#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

#[allow(dead_code)] // Shared by several test files; this one uses a part.
mod common;

use boxoffice_domain::{DomainEvent, DomainEventKind, EventId};
use boxoffice_store::{Backend, Routing, Store};
use chrono::{Duration, Utc};
use common::TestStore;

/// Runs `$test(&Store)` once on SQLite and once on PostgreSQL, each on a fresh database.
macro_rules! on_both {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $test() {
                let db = super::TestStore::create(super::Backend::Sqlite).await;
                super::$test(&db.store).await;
                db.drop_database().await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $test() {
                let db = super::TestStore::create(super::Backend::Postgres).await;
                super::$test(&db.store).await;
                db.drop_database().await;
            })+
        }
    };
}

on_both!(
    only_published_messages_are_routed_each_under_one_claim,
    a_lapsed_claim_is_taken_again_and_counted,
    a_deferred_message_waits_and_purging_keeps_the_unrouted,
    messages_the_broker_routes_never_reach_the_routing_loop,
);

const LEASE: Duration = Duration::seconds(60);

/// Writes `count` domain events to the outbox; returns their outbox ids once claimed by the relay.
async fn published(store: &Store, count: usize, routing: Routing) -> Vec<i64> {
    let event = common::event(store, 10).await;
    let mut tx = store.begin().await.unwrap();
    for _ in 0..count {
        let change = DomainEvent::new(DomainEventKind::EventUpdated, Utc::now(), event, "Routing");
        tx.record(&change).await.unwrap();
    }
    tx.commit().await.unwrap();
    let claimed = store.claim_outbox(1_000, Utc::now(), LEASE).await.unwrap();
    let ids: Vec<i64> = claimed.iter().map(|m| m.id).collect();
    store
        .mark_published(&ids, Utc::now(), routing)
        .await
        .unwrap();
    // Purged only once fanned out to webhooks too (none are registered here).
    store.fan_out_webhooks(1_000, Utc::now()).await.unwrap();
    ids
}

async fn unrouted(store: &Store) -> i64 {
    store.routing_backlog(Utc::now()).await.unwrap().0
}

async fn only_published_messages_are_routed_each_under_one_claim(store: &Store) {
    let event: EventId = common::event(store, 10).await;
    let mut tx = store.begin().await.unwrap();
    tx.record(&DomainEvent::new(
        DomainEventKind::EventUpdated,
        Utc::now(),
        event,
        "Waiting",
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(
        store
            .claim_unrouted(100, Utc::now(), LEASE)
            .await
            .unwrap()
            .is_empty(),
        "an unpublished message is not routed yet"
    );
    let ids = published(store, 3, Routing::FromOutbox).await;
    assert_eq!(unrouted(store).await, ids.len() as i64);
    let claimed = store.claim_unrouted(100, Utc::now(), LEASE).await.unwrap();
    let claimed_ids: Vec<i64> = claimed.iter().map(|m| m.message.id).collect();
    assert_eq!(claimed_ids, ids, "oldest first, each once");
    assert!(claimed.iter().all(|m| m.attempts == 1));
    assert!(
        store
            .claim_unrouted(100, Utc::now(), LEASE)
            .await
            .unwrap()
            .is_empty(),
        "claimed messages are skipped"
    );
    store.mark_routed(&ids, Utc::now()).await.unwrap();
    assert_eq!(unrouted(store).await, 0);
}

async fn a_lapsed_claim_is_taken_again_and_counted(store: &Store) {
    let ids = published(store, 2, Routing::FromOutbox).await;
    store.claim_unrouted(100, Utc::now(), LEASE).await.unwrap();
    // A process that claimed them and died: after the lease, another claim takes them.
    let later = Utc::now() + LEASE + Duration::seconds(1);
    let again = store.claim_unrouted(100, later, LEASE).await.unwrap();
    assert_eq!(again.iter().map(|m| m.message.id).collect::<Vec<_>>(), ids);
    assert!(again.iter().all(|m| m.attempts == 2), "{again:?}");
}

async fn a_deferred_message_waits_and_purging_keeps_the_unrouted(store: &Store) {
    let ids = published(store, 2, Routing::FromOutbox).await;
    store.claim_unrouted(100, Utc::now(), LEASE).await.unwrap();
    let (failed, routed) = (ids[0], ids[1]);
    let retry_at = Utc::now() + Duration::seconds(30);
    store.defer_routing(&[failed], retry_at).await.unwrap();
    store.mark_routed(&[routed], Utc::now()).await.unwrap();
    let early = Utc::now() + Duration::seconds(10);
    assert!(
        store
            .claim_unrouted(100, early, LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let due = retry_at + Duration::seconds(1);
    let retried = store.claim_unrouted(100, due, LEASE).await.unwrap();
    assert_eq!(
        retried.iter().map(|m| m.message.id).collect::<Vec<_>>(),
        [failed]
    );

    let purged = store
        .purge_outbox(Utc::now() + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        purged, 1,
        "the routed message is purged, the unrouted one kept"
    );
    assert_eq!(unrouted(store).await, 1);
}

async fn messages_the_broker_routes_never_reach_the_routing_loop(store: &Store) {
    published(store, 3, Routing::OnPublish).await;
    assert_eq!(unrouted(store).await, 0);
    assert!(
        store
            .claim_unrouted(100, Utc::now(), LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let purged = store
        .purge_outbox(Utc::now() + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(purged, 3);
}
