//! Recipients with their channel choices, read in batches: on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_domain::AttendeeId;
use boxoffice_store::{Backend, ChannelPreferences, Recipient, Store};
use chrono::Utc;
use common::{TestStore, assert_invariants, attendee, book, cancel, event, seats_booked};

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
    recipients_come_in_the_order_asked_with_their_choices,
    a_list_longer_than_one_statement_is_read_whole,
    confirmed_recipients_are_the_confirmed_bookings_in_order,
);

const NO_EMAIL: ChannelPreferences = ChannelPreferences {
    websocket: true,
    email: false,
    push: true,
};

fn summary(found: &[Recipient]) -> Vec<(AttendeeId, ChannelPreferences)> {
    found.iter().map(|r| (r.attendee.id, r.channels)).collect()
}

async fn recipients_come_in_the_order_asked_with_their_choices(store: &Store) {
    let (first, second, third) = (
        attendee(store).await,
        attendee(store).await,
        attendee(store).await,
    );
    store
        .set_attendee_preferences(second, NO_EMAIL, Some("fr"), Utc::now())
        .await
        .unwrap();
    let gone = AttendeeId(first.0 + 1_000);
    let found = store
        .recipients(&[third, first, gone, second])
        .await
        .unwrap();
    let all = ChannelPreferences::default();
    assert_eq!(
        summary(&found),
        vec![(third, all), (first, all), (second, NO_EMAIL)]
    );
    assert_eq!(found[2].attendee.locale.as_str(), "fr");
    assert!(store.recipients(&[]).await.unwrap().is_empty());
}

async fn a_list_longer_than_one_statement_is_read_whole(store: &Store) {
    let (first, last) = (attendee(store).await, attendee(store).await);
    // Twenty thousand ids that name nobody between the two that do.
    let mut ids = vec![first];
    ids.extend((0..20_000).map(|n| AttendeeId(last.0 + 1 + n)));
    ids.push(last);
    let found = store.recipients(&ids).await.unwrap();
    let all = ChannelPreferences::default();
    assert_eq!(summary(&found), vec![(first, all), (last, all)]);
}

async fn confirmed_recipients_are_the_confirmed_bookings_in_order(store: &Store) {
    let show = event(store, 10).await;
    let other = event(store, 10).await;
    let (first, second, leaver) = (
        attendee(store).await,
        attendee(store).await,
        attendee(store).await,
    );
    store
        .set_attendee_preferences(second, NO_EMAIL, None, Utc::now())
        .await
        .unwrap();
    book(store, show, second).await.unwrap();
    book(store, show, first).await.unwrap();
    book(store, other, leaver).await.unwrap();
    let left = book(store, show, leaver).await.unwrap();
    cancel(store, left.booking.id).await.unwrap();
    assert_eq!(seats_booked(store, show).await, 2);
    assert_invariants(store).await;
    let found = store.confirmed_recipients(show).await.unwrap();
    assert_eq!(
        summary(&found),
        vec![(second, NO_EMAIL), (first, ChannelPreferences::default())]
    );
}
