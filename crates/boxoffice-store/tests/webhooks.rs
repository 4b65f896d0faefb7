//! Webhook deliveries in the store, on SQLite and PostgreSQL: the fan-out turns each outbox
//! row into one delivery per matching endpoint however many run at once, senders claim each
//! due delivery once, and a claim lost to a replay records nothing.

#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

#[allow(dead_code)] // Shared by several test files; this one uses a part.
mod common;

use boxoffice_domain::{
    DomainEvent, DomainEventKind, Email, EventId, EventTypes, NewUser, NewWebhook, PageRequest,
    Role, UserId, Username, WebhookId, WebhookSecret, WebhookUrl,
};
use boxoffice_store::{Backend, FannedOut, Routing, SendOutcome, Store};
use chrono::{Duration, Utc};
use common::TestStore;
use std::collections::HashSet;

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
    concurrent_fan_outs_create_one_delivery_per_matching_endpoint_and_event,
    concurrent_senders_claim_each_due_delivery_once,
    an_outcome_is_not_recorded_over_a_replay,
    the_outbox_keeps_rows_until_they_are_fanned_out,
    settled_deliveries_are_purged_pending_ones_kept,
);

const MESSAGES: usize = 40;
const WORKERS: usize = 4;

async fn user(store: &Store, name: &str) -> UserId {
    let new = NewUser {
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        username: Username::parse(name).unwrap(),
        full_name: None,
        password_hash: "x".to_owned(),
        role: Role::User,
    };
    store.create_user(&new, Utc::now()).await.unwrap().id
}

async fn endpoint(store: &Store, owner: UserId, event: Option<i64>, kinds: &[&str]) -> WebhookId {
    let names: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    let new = NewWebhook {
        event_id: event.map(EventId),
        url: WebhookUrl::parse("https://hooks.example.com/in", false).unwrap(),
        event_types: EventTypes::parse(&names).unwrap(),
        description: None,
    };
    let secret = WebhookSecret::generate();
    store
        .insert_webhook(owner, &new, &secret, Utc::now())
        .await
        .unwrap()
        .id
}

/// Writes `MESSAGES` domain events of `owner`: events 7 and 8 by turns, bookings and updates.
async fn record_changes(store: &Store, owner: UserId) {
    let mut tx = store.begin().await.unwrap();
    for n in 0..MESSAGES {
        let kind = if n % 4 < 2 {
            DomainEventKind::BookingCreated
        } else {
            DomainEventKind::EventUpdated
        };
        let event = EventId(if n % 2 == 0 { 7 } else { 8 });
        let mut change = DomainEvent::new(kind, Utc::now(), event, "Webhooks");
        change.owner_id = Some(owner);
        tx.record(&change).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Fans out from `WORKERS` tasks at once until none finds work.
async fn fan_out_concurrently(store: &Store) -> FannedOut {
    let tasks = (0..WORKERS).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut total = FannedOut::default();
            loop {
                let round = store.fan_out_webhooks(7, Utc::now()).await.unwrap();
                if round.messages == 0 {
                    return total;
                }
                total.messages += round.messages;
                total.deliveries += round.deliveries;
            }
        })
    });
    let mut total = FannedOut::default();
    for done in futures::future::join_all(tasks).await {
        let done = done.unwrap();
        total.messages += done.messages;
        total.deliveries += done.deliveries;
    }
    total
}

async fn deliveries_of(store: &Store, webhook: WebhookId) -> i64 {
    let page = PageRequest::new(Some(1), Some(100)).unwrap();
    store.webhook_deliveries(webhook, page).await.unwrap().total
}

async fn concurrent_fan_outs_create_one_delivery_per_matching_endpoint_and_event(store: &Store) {
    let (owner, other) = (user(store, "owner").await, user(store, "other").await);
    let everything = endpoint(store, owner, None, &[]).await;
    let bookings_of_7 = endpoint(store, owner, Some(7), &["booking.created"]).await;
    let someone_elses = endpoint(store, other, None, &[]).await;
    record_changes(store, owner).await;

    let total = fan_out_concurrently(store).await;
    assert_eq!(total.messages, MESSAGES, "each outbox row handled once");
    assert_eq!(deliveries_of(store, everything).await, MESSAGES as i64);
    // Event 7 is every other message; of those, every other one is a booking.
    assert_eq!(
        deliveries_of(store, bookings_of_7).await,
        MESSAGES as i64 / 4
    );
    assert_eq!(deliveries_of(store, someone_elses).await, 0);
    assert_eq!(total.deliveries, (MESSAGES + MESSAGES / 4) as u64);
    assert_eq!(
        store.fan_out_webhooks(100, Utc::now()).await.unwrap(),
        FannedOut::default()
    );
}

async fn concurrent_senders_claim_each_due_delivery_once(store: &Store) {
    let owner = user(store, "sender").await;
    endpoint(store, owner, None, &[]).await;
    record_changes(store, owner).await;
    fan_out_concurrently(store).await;

    let tasks = (0..WORKERS).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut claimed = Vec::new();
            loop {
                let batch = store
                    .claim_webhook_deliveries(3, Utc::now(), Duration::seconds(60))
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return claimed;
                }
                claimed.extend(batch);
            }
        })
    });
    let claimed: Vec<_> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    let ids: HashSet<i64> = claimed.iter().map(|d| d.id.0).collect();
    assert_eq!(claimed.len(), MESSAGES, "every delivery claimed");
    assert_eq!(ids.len(), MESSAGES, "none claimed twice");
    assert!(
        claimed
            .iter()
            .all(|d| d.attempts == 1 && d.secret.key().is_some())
    );
}

async fn an_outcome_is_not_recorded_over_a_replay(store: &Store) {
    let owner = user(store, "replayer").await;
    let webhook = endpoint(store, owner, None, &[]).await;
    record_changes(store, owner).await;
    fan_out_concurrently(store).await;
    let claimed = store
        .claim_webhook_deliveries(1, Utc::now(), Duration::seconds(60))
        .await
        .unwrap();
    let due = &claimed[0];

    let replayed = store
        .replay_webhook_delivery(webhook, due.id, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replayed.attempts, 0);
    assert_eq!(replayed.message_id, due.message_id);
    let failed = SendOutcome {
        delivered: false,
        response_code: Some(500),
        error: Some("HTTP 500".to_owned()),
        retry_at: None,
    };
    let recorded = store
        .finish_webhook_attempt(due, &failed, Utc::now())
        .await
        .unwrap();
    assert!(!recorded, "the replay took the claim away");

    let again = store
        .claim_webhook_deliveries(100, Utc::now(), Duration::seconds(60))
        .await
        .unwrap();
    let retaken = again.iter().find(|d| d.id == due.id).unwrap();
    let delivered = SendOutcome {
        delivered: true,
        response_code: Some(204),
        error: None,
        retry_at: None,
    };
    assert!(
        store
            .finish_webhook_attempt(retaken, &delivered, Utc::now())
            .await
            .unwrap()
    );
}

async fn the_outbox_keeps_rows_until_they_are_fanned_out(store: &Store) {
    let owner = user(store, "purger").await;
    record_changes(store, owner).await;
    let claimed = store
        .claim_outbox(1_000, Utc::now(), Duration::seconds(60))
        .await
        .unwrap();
    let ids: Vec<i64> = claimed.iter().map(|m| m.id).collect();
    store
        .mark_published(&ids, Utc::now(), Routing::OnPublish)
        .await
        .unwrap();
    let later = Utc::now() + Duration::days(1);
    assert_eq!(store.purge_outbox(later).await.unwrap(), 0);
    fan_out_concurrently(store).await;
    assert_eq!(store.purge_outbox(later).await.unwrap(), MESSAGES as u64);
}

async fn settled_deliveries_are_purged_pending_ones_kept(store: &Store) {
    let owner = user(store, "keeper").await;
    let webhook = endpoint(store, owner, None, &[]).await;
    record_changes(store, owner).await;
    fan_out_concurrently(store).await;
    let claimed = store
        .claim_webhook_deliveries(2, Utc::now(), Duration::seconds(60))
        .await
        .unwrap();
    for (due, delivered) in claimed.iter().zip([true, false]) {
        let outcome = SendOutcome {
            delivered,
            response_code: Some(if delivered { 200 } else { 410 }),
            error: None,
            retry_at: None,
        };
        assert!(
            store
                .finish_webhook_attempt(due, &outcome, Utc::now())
                .await
                .unwrap()
        );
    }
    assert_eq!(
        store
            .purge_webhook_deliveries(Utc::now() - Duration::days(1))
            .await
            .unwrap(),
        0
    );
    let purged = store
        .purge_webhook_deliveries(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(purged, 2, "the delivered and the failed one");
    assert_eq!(deliveries_of(store, webhook).await, MESSAGES as i64 - 2);
}
