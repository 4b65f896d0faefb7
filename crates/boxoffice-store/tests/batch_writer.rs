//! The SQLite batch writer's edge cases: commands that share one transaction, each in
//! its own savepoint. Each test holds the write turn (an open `WriteTx`) while it queues
//! its commands, so that they all land in the same batch once the turn is released.
#![allow(clippy::unwrap_used)]

mod common;

use boxoffice_domain::{BookingRefusal, DomainEvent, DomainEventKind, EventId};
use boxoffice_store::batch::{BookCommand, BookingResult, Keyed, OutcomeRecord};
use boxoffice_store::{Backend, BookingFilter, BookingFor, IdempotencyKey, Store, StoreError};
use chrono::Utc;
use common::{
    TestStore, assert_invariants, attendee, book, book_command, cancel, event, seats_booked,
};
use futures::future::join_all;
use std::time::Duration;

/// A store on a SQLite file of its own.
async fn sqlite_store() -> TestStore {
    let db = TestStore::create(Backend::Sqlite).await;
    assert!(
        db.store.batch_writer().is_some(),
        "a SQLite file gets a batch writer"
    );
    db
}

/// Runs `commands` as one batch: queued in order while the write turn is held, then let go.
async fn in_one_batch(
    store: &Store,
    commands: Vec<BookCommand>,
) -> Vec<Result<Keyed<BookingResult>, StoreError>> {
    let writer = store.batch_writer().unwrap();
    let turn = store.begin().await.unwrap();
    let queued = join_all(commands.into_iter().map(|command| writer.book(command)));
    let release = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        turn.commit().await.unwrap();
    };
    tokio::join!(queued, release).0
}

fn attendee_command(event: EventId, who: boxoffice_domain::AttendeeId) -> BookCommand {
    book_command(event, BookingFor::Attendee(who), None)
}

fn ran(outcome: Result<Keyed<BookingResult>, StoreError>) -> BookingResult {
    match outcome.unwrap() {
        Keyed::Ran(result) => result,
        other => panic!("expected the command to run, got {other:?}"),
    }
}

async fn unpublished(store: &Store) -> i64 {
    store.outbox_backlog(Utc::now()).await.unwrap().0
}

#[tokio::test]
async fn a_refusal_inside_a_batch_undoes_only_its_own_savepoint() {
    let db = sqlite_store().await;
    let store = &db.store;
    let event = event(store, 2).await;
    let (a, b, c) = (
        attendee(store).await,
        attendee(store).await,
        attendee(store).await,
    );
    let commands = [a, a, b, c].map(|who| attendee_command(event, who));
    let mut outcomes = in_one_batch(store, commands.into())
        .await
        .into_iter()
        .map(ran);
    assert!(outcomes.next().unwrap().is_ok());
    assert_eq!(
        outcomes.next().unwrap().unwrap_err(),
        BookingRefusal::AlreadyBooked
    );
    assert!(outcomes.next().unwrap().is_ok());
    assert_eq!(
        outcomes.next().unwrap().unwrap_err(),
        BookingRefusal::EventFull
    );
    assert_eq!(seats_booked(store, event).await, 2);
    assert_eq!(
        unpublished(store).await,
        2,
        "one domain event per booking made"
    );
    assert_invariants(store).await;
    // A cancellation through the batch writer frees its seat once, for the next person.
    let filter = BookingFilter {
        attendee: Some(b),
        event: None,
    };
    let held = store.list_bookings(&filter, Default::default()).await;
    let id = held.unwrap().items[0].id;
    assert_eq!(cancel(store, id).await.unwrap().seats_booked, 1);
    assert_eq!(cancel(store, id).await, None);
    assert!(book(store, event, c).await.is_ok());
    assert_eq!(unpublished(store).await, 4);
    assert_invariants(store).await;
    db.drop_database().await;
}

#[tokio::test]
async fn a_failing_statement_inside_a_batch_fails_only_its_command() {
    let db = sqlite_store().await;
    let store = &db.store;
    let event = event(store, 10).await;
    let (a, b, c) = (
        attendee(store).await,
        attendee(store).await,
        attendee(store).await,
    );
    let taken = DomainEvent::new(DomainEventKind::BookingCreated, Utc::now(), event, "x").id;
    let mut first = attendee_command(event, a);
    let id = taken.clone();
    first.change = Box::new(move |seat| {
        let mut change = DomainEvent::new(DomainEventKind::BookingCreated, Utc::now(), event, "x");
        change.id = id;
        change.seats = Some(seat.seats.seats);
        change
    });
    // The outbox refuses a second message with the same id: the insert fails.
    let mut clash = attendee_command(event, c);
    clash.change = Box::new(move |_| {
        let mut change = DomainEvent::new(DomainEventKind::BookingCreated, Utc::now(), event, "x");
        change.id = taken;
        change
    });
    let commands = vec![first, attendee_command(event, b), clash];
    let mut outcomes = in_one_batch(store, commands).await.into_iter();
    assert!(ran(outcomes.next().unwrap()).is_ok());
    assert!(ran(outcomes.next().unwrap()).is_ok());
    let failed = outcomes.next().unwrap().unwrap_err();
    assert!(matches!(failed, StoreError::Native(_)), "{failed:?}");
    assert_eq!(
        seats_booked(store, event).await,
        2,
        "the failed booking's seat is given back"
    );
    assert_eq!(unpublished(store).await, 2);
    assert_invariants(store).await;
    db.drop_database().await;
}

#[tokio::test]
async fn an_idempotent_repeat_inside_the_same_batch_replays_the_first_outcome() {
    let db = sqlite_store().await;
    let store = &db.store;
    let event = event(store, 1).await;
    let people: Vec<_> = join_all((0..4).map(|_| attendee(store))).await;
    let key = |key: &str, request: &str| IdempotencyKey {
        scope: format!("POST /events/{}/book", event.0),
        key_hash: key.into(),
        request_hash: request.into(),
    };
    let record = || -> OutcomeRecord {
        Box::new(|result| Ok(format!("{:?}", result.as_ref().map(|seat| seat.booking.id))))
    };
    let keyed = |who, k: IdempotencyKey| {
        book_command(event, BookingFor::Attendee(who), Some((k, record())))
    };
    let commands = vec![
        keyed(people[0], key("k1", "r1")),
        keyed(people[0], key("k1", "r1")),
        keyed(people[1], key("k1", "r2")),
        // The event is full by now: the refusal is recorded with its key too.
        keyed(people[2], key("k2", "r3")),
        keyed(people[2], key("k2", "r3")),
    ];
    let outcomes: Vec<_> = in_one_batch(store, commands)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let Keyed::Ran(Ok(seat)) = &outcomes[0] else {
        panic!("{:?}", outcomes[0]);
    };
    assert_eq!(
        outcomes[1],
        Keyed::Seen(format!("{:?}", Ok::<_, ()>(seat.booking.id)))
    );
    assert_eq!(outcomes[2], Keyed::OtherRequest);
    assert_eq!(outcomes[3], Keyed::Ran(Err(BookingRefusal::EventFull)));
    assert_eq!(
        outcomes[4],
        Keyed::Seen(format!("{:?}", Err::<(), _>(BookingRefusal::EventFull)))
    );
    assert_eq!(seats_booked(store, event).await, 1);
    assert_eq!(unpublished(store).await, 1);
    assert_invariants(store).await;
    db.drop_database().await;
}

#[tokio::test]
async fn commands_queued_at_shutdown_are_run_or_refused_never_dropped() {
    let db = sqlite_store().await;
    let store = &db.store;
    let event = event(store, 100).await;
    let people: Vec<_> = join_all((0..23).map(|_| attendee(store))).await;
    let writer = store.batch_writer().unwrap().clone();
    let turn = store.begin().await.unwrap();
    let before = join_all(
        people[..20]
            .iter()
            .map(|&who| writer.book(attendee_command(event, who))),
    );
    let close = store.close();
    let after = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        join_all(
            people[20..]
                .iter()
                .map(|&who| writer.book(attendee_command(event, who))),
        )
        .await
    };
    let release = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        turn.commit().await.unwrap();
    };
    let (before, (), after, ()) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(before, close, after, release)
    })
    .await
    .expect("every queued command is answered");
    assert!(
        before.into_iter().all(|outcome| ran(outcome).is_ok()),
        "queued before closing: run"
    );
    for outcome in after {
        assert!(
            matches!(outcome, Err(StoreError::WriterStopped)),
            "{outcome:?}"
        );
    }
    let reopened = Store::connect(&db.url, 8).await.unwrap();
    assert_eq!(seats_booked(&reopened, event).await, 20);
    assert_invariants(&reopened).await;
    reopened.close().await;
    db.drop_database().await;
}
