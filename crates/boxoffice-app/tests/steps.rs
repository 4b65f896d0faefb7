//! The background work of a process, one step at a time, on both databases.

#![allow(clippy::unwrap_used)]

use boxoffice_app::housekeeping::{Housekeeping, Purged};
use boxoffice_broker::Broker;
use boxoffice_broker::relay::{self, RelaySettings};
use boxoffice_domain::{DomainEvent, DomainEventKind, EventId, SeatCounts};
use boxoffice_http::auth::RateLimits;
use boxoffice_notify::{HistoryRecorder, HistoryStep, Hub, SocketFeed};
use boxoffice_store::Store;
use boxoffice_testkit::{Backend, TestDatabase};
use chrono::{DateTime, SecondsFormat, Utc};
use std::num::NonZeroU32;
use tokio_util::sync::CancellationToken;

/// Runs each `async fn(Backend)` on SQLite and on PostgreSQL.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(boxoffice_testkit::Backend::Sqlite).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(boxoffice_testkit::Backend::Postgres).await }
        )* }
    };
}

on_both!(
    each_relay_step_publishes_one_batch,
    a_history_step_records_what_queued_up_in_one_go,
    a_stopped_relay_takes_one_last_step,
    housekeeping_purges_only_what_has_expired,
);

async fn store(backend: Backend) -> (TestDatabase, Store) {
    let database = TestDatabase::create(backend).await;
    let store = Store::connect(&database.url, 4).await.expect("connect");
    store.migrate().await.expect("migrate");
    (database, store)
}

/// A timestamp literal in the form the store writes (the same text on SQLite).
fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// Writes outbox rows (as a committed change would) for `count` domain events of event 1;
/// `published` marks them published (and their deliveries routed) at that time. Returns
/// their message ids.
async fn outbox_rows(store: &Store, count: usize, published: Option<DateTime<Utc>>) -> Vec<String> {
    let mut ids = Vec::new();
    let mut sql = String::new();
    for _ in 0..count {
        let change = DomainEvent::new(DomainEventKind::EventUpdated, Utc::now(), EventId(1), "Gig");
        let published = published.map_or("NULL".to_owned(), |time| format!("'{}'", at(time)));
        sql += &format!(
            "INSERT INTO outbox (message_id, kind, payload, created_at, published_at, routed_at, webhooks_at) \
             VALUES ('{}', 'event.updated', '{}', '{}', {published}, {published}, {published});\n",
            change.id,
            serde_json::to_string(&change).expect("json"),
            at(Utc::now()),
        );
        ids.push(change.id);
    }
    store.execute_script(&sql).await.expect("outbox rows");
    ids
}

async fn pending(store: &Store) -> i64 {
    store.outbox_backlog(Utc::now()).await.expect("backlog").0
}

async fn each_relay_step_publishes_one_batch(backend: Backend) {
    let (_database, store) = store(backend).await;
    let broker = Broker::in_process();
    let mut fanout = broker.fanout().await.expect("fan-out");
    // The in-process broker confirms a message once the history has it.
    let consumers = CancellationToken::new();
    let recorder = HistoryRecorder::subscribe(&broker, store.clone()).await;
    let recording = tokio::spawn(recorder.run(consumers.clone()));
    let ids = outbox_rows(&store, 3, None).await;
    let settings = RelaySettings {
        batch: 2,
        ..RelaySettings::default()
    };
    let mut steps = Vec::new();
    while pending(&store).await > 0 {
        let published = relay::relay_batch(&store, &broker, &settings).await;
        steps.push(published.expect("published"));
        assert!(steps.len() <= 3, "each step publishes: {steps:?}");
    }
    assert_eq!(steps.iter().sum::<usize>(), 3, "{steps:?}");
    let published = relay::relay_batch(&store, &broker, &settings).await;
    assert_eq!(published.expect("empty step"), 0, "nothing left to publish");
    for id in ids {
        let delivery = fanout.try_next().expect("every row reached the fan-out");
        assert_eq!(delivery.message.id, id, "in outbox order");
    }
    assert!(fanout.try_next().is_none(), "each row published once");
    consumers.cancel();
    recording.await.expect("the recorder stops");
}

async fn a_history_step_records_what_queued_up_in_one_go(backend: Backend) {
    let (_database, store) = store(backend).await;
    let broker = Broker::in_process();
    let mut recorder = HistoryRecorder::subscribe(&broker, store.clone()).await;
    let mut publishing = Vec::new();
    for _ in 0..3 {
        let change = DomainEvent::new(DomainEventKind::EventCreated, Utc::now(), EventId(1), "Gig");
        let message = boxoffice_broker::Message {
            id: change.id.clone(),
            routing_key: "event.created".into(),
            body: serde_json::to_vec(&change).expect("json"),
        };
        let broker = broker.clone();
        // Each publish returns once the recorder has acknowledged its message.
        publishing.push(tokio::spawn(async move { broker.publish(&message).await }));
    }
    let mut total = HistoryStep::default();
    while total.recorded < 3 {
        let step = recorder.step().await.expect("a delivery");
        assert!(step.recorded >= 1, "{step:?}");
        total.recorded += step.recorded;
        total.retried += step.retried;
    }
    assert_eq!(
        total,
        HistoryStep {
            recorded: 3,
            retried: 0
        }
    );
    for publish in publishing {
        publish.await.expect("publish").expect("acknowledged");
    }
}

async fn a_stopped_relay_takes_one_last_step(backend: Backend) {
    let (_database, store) = store(backend).await;
    let broker = Broker::in_process();
    let consumers = CancellationToken::new();
    let recorder = HistoryRecorder::subscribe(&broker, store.clone()).await;
    let recording = tokio::spawn(recorder.run(consumers.clone()));
    outbox_rows(&store, 5, None).await;
    let stop = CancellationToken::new();
    stop.cancel();
    let relay = relay::run(store.clone(), broker, RelaySettings::default(), stop);
    tokio::time::timeout(std::time::Duration::from_secs(10), relay)
        .await
        .expect("a stopped relay returns after its step");
    assert_eq!(
        pending(&store).await,
        0,
        "what was committed before the stop went out"
    );
    consumers.cancel();
    recording.await.expect("the recorder stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_feed_step_delivers_one_domain_event() {
    let broker = Broker::in_process();
    let hub = Hub::new(8);
    let mut watcher = hub.register(None);
    hub.set_watching(watcher.id, EventId(7), true);
    let mut feed = SocketFeed::subscribe(&broker, hub.clone()).await;
    let mut change = DomainEvent::new(
        DomainEventKind::BookingCreated,
        Utc::now(),
        EventId(7),
        "Gig",
    );
    change.seats = Some(SeatCounts {
        capacity: Some(10),
        seats_booked: 1,
    });
    let message = boxoffice_broker::Message {
        id: change.id.clone(),
        routing_key: "booking.created".into(),
        body: serde_json::to_vec(&change).expect("json"),
    };
    // Publishing waits for a history recorder, which this test has none of.
    let publisher = broker.clone();
    let publishing = tokio::spawn(async move { publisher.publish(&message).await });
    assert_eq!(
        feed.step().await,
        Some(1),
        "one seats frame for the watcher"
    );
    let waiting = watcher.waiting();
    let frame = waiting.first().expect("a frame");
    assert!(frame.contains(r#""seats_booked": 1"#), "{frame}");
    publishing.abort();
}

async fn housekeeping_purges_only_what_has_expired(backend: Backend) {
    let (_database, store) = store(backend).await;
    let now = Utc::now();
    outbox_rows(&store, 2, Some(now - chrono::Duration::days(8))).await;
    outbox_rows(&store, 1, Some(now - chrono::Duration::days(6))).await;
    outbox_rows(&store, 1, None).await;
    let mut keys = String::new();
    for (key, age) in [
        ("old", chrono::Duration::hours(25)),
        ("new", chrono::Duration::hours(1)),
    ] {
        keys += &format!(
            "INSERT INTO idempotency_keys (scope, key_hash, request_hash, status_code, response_body, created_at) \
             VALUES ('test', '{key}', 'r', 201, '{{}}', '{}');\n",
            at(now - age)
        );
    }
    store.execute_script(&keys).await.expect("idempotency keys");
    let one = NonZeroU32::new(1).expect("positive");
    let housekeeping = Housekeeping::new(
        store.clone(),
        RateLimits::new(one, None, None),
        std::time::Duration::from_secs(10),
    );
    let purged = housekeeping.step(now).await;
    assert_eq!(
        purged,
        Purged {
            idempotency_keys: 1,
            outbox_messages: 2,
            webhook_deliveries: 0,
        }
    );
    assert_eq!(
        housekeeping.step(now).await,
        Purged::default(),
        "a second round finds nothing"
    );
    assert_eq!(
        pending(&store).await,
        1,
        "unpublished rows are never purged"
    );
}
