//! Group commit's edge cases, on both databases: commands that share one transaction, each
//! in its own savepoint. Each test holds back the batch while it queues its commands (on
//! SQLite the write turn, an open `WriteTx`; on PostgreSQL the event's row, locked by an
//! open `WriteTx`, so that the event's leader waits), so that they share a batch once it
//! is released.
#![allow(clippy::unwrap_used)]

mod common;

use boxoffice_domain::{AttendeeId, BookingRefusal, DomainEvent, DomainEventKind, EventId};
use boxoffice_store::batch::{BookCommand, BookingResult, CancelCommand, Keyed, OutcomeRecord};
use boxoffice_store::{Backend, BookingFilter, BookingFor, IdempotencyKey, Store, StoreError};
use chrono::Utc;
use common::{
    TestStore, assert_invariants, attendee, book, book_command, cancel, event, seats_booked,
};
use futures::future::join_all;
use sqlx::Connection;
use std::time::Duration;

/// Runs the same test on a SQLite file and on a PostgreSQL database.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(super::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                super::$name(super::Backend::Postgres).await;
            }
        }
    };
}

/// A store on a database of its own, with group commit (the default).
async fn grouping_store(backend: Backend) -> TestStore {
    let db = TestStore::create(backend).await;
    assert!(db.store.batches().is_some(), "group commit is the default");
    db
}

/// Runs `commands` as one batch (on PostgreSQL, the first may run alone): queued in order
/// while the batch is held back, then let go.
async fn in_one_batch(
    store: &Store,
    event: EventId,
    commands: Vec<BookCommand>,
) -> Vec<Result<Keyed<BookingResult>, StoreError>> {
    let writer = store.batches().unwrap();
    let turn = hold_back(store, event).await;
    let queued = join_all(commands.into_iter().map(|command| writer.book(command)));
    let release = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        turn.commit().await.unwrap();
    };
    tokio::join!(queued, release).0
}

/// Holds back the batches that would run a command of `event` until the returned
/// transaction ends: on SQLite it holds the write turn, on PostgreSQL the event's row, on
/// which the event's leader then waits.
async fn hold_back(store: &Store, event: EventId) -> boxoffice_store::WriteTx {
    let mut turn = store.begin().await.unwrap();
    if store.backend() == Backend::Postgres {
        turn.event(event, true).await.unwrap();
    }
    turn
}

async fn three_attendees(store: &Store) -> (AttendeeId, AttendeeId, AttendeeId) {
    (
        attendee(store).await,
        attendee(store).await,
        attendee(store).await,
    )
}

fn attendee_command(event: EventId, who: AttendeeId) -> BookCommand {
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

on_both!(a_refusal_inside_a_batch_undoes_only_its_own_savepoint);
async fn a_refusal_inside_a_batch_undoes_only_its_own_savepoint(backend: Backend) {
    let db = grouping_store(backend).await;
    let store = &db.store;
    let event = event(store, 2).await;
    let (a, b, c) = three_attendees(store).await;
    let commands = [a, a, b, c].map(|who| attendee_command(event, who));
    let mut outcomes = in_one_batch(store, event, commands.into())
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

on_both!(a_failing_statement_inside_a_batch_fails_only_its_command);
async fn a_failing_statement_inside_a_batch_fails_only_its_command(backend: Backend) {
    let db = grouping_store(backend).await;
    let store = &db.store;
    let event = event(store, 10).await;
    let (a, b, c) = three_attendees(store).await;
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
    let mut outcomes = in_one_batch(store, event, commands).await.into_iter();
    assert!(ran(outcomes.next().unwrap()).is_ok());
    assert!(ran(outcomes.next().unwrap()).is_ok());
    let failed = outcomes.next().unwrap().unwrap_err();
    // The statement's own error, not the batch's.
    assert!(
        matches!(failed, StoreError::Native(_) | StoreError::Database(_)),
        "{failed:?}"
    );
    assert_eq!(
        seats_booked(store, event).await,
        2,
        "the failed booking's seat is given back"
    );
    assert_eq!(unpublished(store).await, 2);
    assert_invariants(store).await;
    db.drop_database().await;
}

on_both!(an_idempotent_repeat_inside_the_same_batch_replays_the_first_outcome);
async fn an_idempotent_repeat_inside_the_same_batch_replays_the_first_outcome(backend: Backend) {
    let db = grouping_store(backend).await;
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
    let outcomes: Vec<_> = in_one_batch(store, event, commands)
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

on_both!(commands_queued_at_shutdown_are_run_or_refused_never_dropped);
async fn commands_queued_at_shutdown_are_run_or_refused_never_dropped(backend: Backend) {
    let db = grouping_store(backend).await;
    let store = &db.store;
    let event = event(store, 100).await;
    let people: Vec<_> = join_all((0..23).map(|_| attendee(store))).await;
    let writer = store.batches().unwrap();
    let turn = hold_back(store, event).await;
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

#[tokio::test]
async fn postgres_runs_the_bookings_of_one_event_queued_meanwhile_in_one_transaction() {
    let db = grouping_store(Backend::Postgres).await;
    let store = &db.store;
    let event = event(store, 100).await;
    let people: Vec<_> = join_all((0..30).map(|_| attendee(store))).await;
    // Each booking row notes the (top-level) transaction that wrote it.
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql("ALTER TABLE bookings ADD COLUMN written_by bigint DEFAULT txid_current()")
        .execute(&mut conn)
        .await
        .unwrap();
    let commands = people.iter().map(|&who| attendee_command(event, who));
    let outcomes = in_one_batch(store, event, commands.collect()).await;
    assert!(outcomes.into_iter().all(|outcome| ran(outcome).is_ok()));
    let transactions: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT written_by) FROM bookings WHERE event_id = $1")
            .bind(event.0)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(
        transactions <= 2,
        "30 bookings queued behind one lock took {transactions} transactions"
    );
    conn.close().await.unwrap();
    assert_eq!(seats_booked(store, event).await, 30);
    assert_invariants(store).await;
    db.drop_database().await;
}

on_both!(a_command_whose_caller_stopped_waiting_is_not_kept);
async fn a_command_whose_caller_stopped_waiting_is_not_kept(backend: Backend) {
    let db = grouping_store(backend).await;
    let store = &db.store;
    let event = event(store, 10).await;
    let (a, b, c) = three_attendees(store).await;
    let writer = store.batches().unwrap();
    let turn = hold_back(store, event).await;
    // Gives up while its command waits in the queue, or (on PostgreSQL) while its command
    // runs, blocked on the event's row: as a request answered 503 during an outage does.
    let impatient = tokio::time::timeout(
        Duration::from_millis(50),
        writer.book(attendee_command(event, a)),
    );
    let patient = join_all([b, c].map(|who| writer.book(attendee_command(event, who))));
    let release = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        turn.commit().await.unwrap();
    };
    let (impatient, patient, ()) = tokio::join!(impatient, patient, release);
    assert!(impatient.is_err(), "the caller stopped waiting");
    let mut kept = 0i32;
    for outcome in patient {
        match outcome {
            Ok(Keyed::Ran(Ok(_))) => kept += 1,
            // Rolled back with the impatient one: its use case runs it again.
            Err(StoreError::BatchRolledBack) => {}
            other => panic!("{other:?}"),
        }
    }
    let mine = BookingFilter {
        attendee: Some(a),
        event: None,
    };
    let held = store
        .list_bookings(&mine, Default::default())
        .await
        .unwrap();
    assert_eq!(held.total, 0, "nobody who stopped waiting finds a booking");
    assert_eq!(seats_booked(store, event).await, kept);
    assert_eq!(unpublished(store).await, i64::from(kept));
    assert_invariants(store).await;
    db.drop_database().await;
}

#[tokio::test]
async fn postgres_a_cancellation_in_the_batch_reopens_a_full_event_to_the_people_after_it() {
    let db = grouping_store(Backend::Postgres).await;
    let store = &db.store;
    let event = event(store, 1).await;
    let (gone, holder) = (attendee(store).await, attendee(store).await);
    let gone = book(store, event, gone).await.unwrap().booking.id;
    assert!(cancel(store, gone).await.is_some());
    let held = book(store, event, holder).await.unwrap().booking.id;
    let writer = store.batches().unwrap();
    let by_person = || book_command(event, BookingFor::Person(common::person()), None);
    let cancelling = |id| CancelCommand {
        id,
        now: Utc::now(),
        change: Box::new(move |_, released| {
            let mut change =
                DomainEvent::new(DomainEventKind::BookingCancelled, Utc::now(), event, "x");
            change.seats = Some(released.seats.seats);
            vec![change]
        }),
    };
    let pause = || tokio::time::sleep(Duration::from_millis(60));
    let mut turn = store.begin().await.unwrap();
    turn.event(event, true).await.unwrap();
    // The first batch, a cancellation that changes nothing, waits on the row; the next
    // three queue behind it and make the second batch, in this order.
    let (blocker, refused, freed, booked, ()) = tokio::join!(
        writer.cancel(cancelling(gone)),
        async {
            pause().await;
            writer.book(by_person()).await
        },
        async {
            pause().await;
            pause().await;
            writer.cancel(cancelling(held)).await
        },
        async {
            pause().await;
            pause().await;
            pause().await;
            writer.book(by_person()).await
        },
        async {
            for _ in 0..5 {
                pause().await;
            }
            turn.commit().await.unwrap();
        },
    );
    assert!(blocker.unwrap().is_some());
    assert_eq!(
        ran(refused),
        Err(BookingRefusal::EventFull),
        "full when it was tried"
    );
    assert!(freed.unwrap().is_some());
    assert!(ran(booked).is_ok(), "the seat freed in the batch is booked");
    assert_eq!(seats_booked(store, event).await, 1);
    assert_invariants(store).await;
    db.drop_database().await;
}
