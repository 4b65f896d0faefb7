//! The booking rules, held by the database on both backends: seats_booked equals the
//! confirmed bookings, never exceeds capacity, and an attendee holds at most one active
//! booking per event; random book/cancel sequences agree with a simple model.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_domain::{AttendeeId, BookingId, BookingRefusal};
use boxoffice_store::{Backend, Store};
use common::{TestStore, assert_invariants, attendee, book, cancel, event, seats_booked};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

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
    a_full_event_refuses_the_next_seat,
    one_active_booking_per_attendee_and_event,
    a_cancellation_frees_its_seat_once,
    concurrent_bookings_never_exceed_capacity,
);

async fn a_full_event_refuses_the_next_seat(store: &Store) {
    let event = event(store, 3).await;
    for _ in 0..3 {
        let booked = book(store, event, attendee(store).await).await.unwrap();
        assert_eq!(booked.booking.event_id, event);
    }
    let late = book(store, event, attendee(store).await).await;
    assert_eq!(late.unwrap_err(), BookingRefusal::EventFull);
    assert_eq!(seats_booked(store, event).await, 3);
    assert_invariants(store).await;
}

async fn one_active_booking_per_attendee_and_event(store: &Store) {
    let (event, other) = (event(store, 5).await, event(store, 5).await);
    let asha = attendee(store).await;
    let first = book(store, event, asha).await.unwrap();
    let again = book(store, event, asha).await;
    assert_eq!(again.unwrap_err(), BookingRefusal::AlreadyBooked);
    // The refused attempt's seat was rolled back with it.
    assert_eq!(seats_booked(store, event).await, 1);
    book(store, other, asha)
        .await
        .expect("another event is another seat");
    cancel(store, first.booking.id).await.expect("confirmed");
    book(store, event, asha)
        .await
        .expect("free to book again after cancelling");
    assert_invariants(store).await;
}

async fn a_cancellation_frees_its_seat_once(store: &Store) {
    let event = event(store, 2).await;
    let booked = book(store, event, attendee(store).await).await.unwrap();
    book(store, event, attendee(store).await).await.unwrap();
    let freed = cancel(store, booked.booking.id).await.expect("confirmed");
    assert_eq!((freed.capacity, freed.seats_booked), (Some(2), 1));
    assert_eq!(cancel(store, booked.booking.id).await, None);
    assert_eq!(cancel(store, BookingId(i64::MAX)).await, None);
    assert_eq!(seats_booked(store, event).await, 1);
    assert_invariants(store).await;
}

async fn concurrent_bookings_never_exceed_capacity(store: &Store) {
    let event = event(store, 7).await;
    let mut people = Vec::new();
    for _ in 0..20 {
        people.push(attendee(store).await);
    }
    let attempts = people.into_iter().map(|person| {
        let store = store.clone();
        tokio::spawn(async move { book(&store, event, person).await })
    });
    let mut booked = 0;
    for attempt in attempts.collect::<Vec<_>>() {
        match attempt.await.unwrap() {
            Ok(_) => booked += 1,
            Err(refusal) => assert_eq!(refusal, BookingRefusal::EventFull),
        }
    }
    assert_eq!(booked, 7);
    assert_eq!(seats_booked(store, event).await, 7);
    assert_invariants(store).await;
}

/// One step of a random sequence.
#[derive(Debug, Clone)]
enum Op {
    /// One of the case's attendees books the case's event.
    Book(usize),
    /// Cancels the n-th booking made so far (modulo their number), confirmed or not.
    Cancel(usize),
}

const PEOPLE: usize = 6;
const SEATS: i64 = 3;

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        3 => (0..PEOPLE).prop_map(Op::Book),
        2 => any::<usize>().prop_map(Op::Cancel),
    ];
    proptest::collection::vec(op, 1..24)
}

/// What the database should hold: each booking with its attendee and whether it is active.
#[derive(Debug, Default)]
struct Model {
    bookings: Vec<(BookingId, usize, bool)>,
}

impl Model {
    fn active(&self) -> usize {
        self.bookings
            .iter()
            .filter(|(_, _, active)| *active)
            .count()
    }

    fn holds(&self, person: usize) -> bool {
        self.bookings
            .iter()
            .any(|(_, p, active)| *p == person && *active)
    }
}

/// Plays `ops` on a new event against the model, checking every answer and the seat count.
async fn play(store: &Store, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let event = event(store, SEATS).await;
    let mut people: Vec<AttendeeId> = Vec::new();
    for _ in 0..PEOPLE {
        people.push(attendee(store).await);
    }
    let mut model = Model::default();
    for op in ops {
        match op {
            Op::Book(person) => {
                let expected = if model.holds(person) {
                    Err(BookingRefusal::AlreadyBooked)
                } else if model.active() as i64 == SEATS {
                    Err(BookingRefusal::EventFull)
                } else {
                    Ok(())
                };
                let result = book(store, event, people[person]).await;
                prop_assert_eq!(result.as_ref().map(|_| ()).map_err(Clone::clone), expected);
                if let Ok(booked) = result {
                    model.bookings.push((booked.booking.id, person, true));
                }
            }
            Op::Cancel(n) if !model.bookings.is_empty() => {
                let index = n % model.bookings.len();
                let (id, _, active) = model.bookings[index];
                let freed = cancel(store, id).await;
                prop_assert_eq!(freed.is_some(), active);
                model.bookings[index].2 = false;
            }
            Op::Cancel(_) => {}
        }
        prop_assert_eq!(seats_booked(store, event).await as usize, model.active());
    }
    let violations = store.check_invariants(None).await.unwrap();
    prop_assert!(violations.is_empty(), "{:#?}", violations);
    Ok(())
}

/// Random sequences on one database per backend (each case on an event of its own).
fn random_sequences_agree_with_the_model(backend: Backend, cases: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = runtime.block_on(TestStore::create(backend));
    let mut runner = TestRunner::new(Config::with_cases(cases));
    let outcome = runner.run(&ops(), |ops| runtime.block_on(play(&db.store, ops)));
    runtime.block_on(db.drop_database());
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn sqlite_random_book_cancel_sequences_agree_with_the_model() {
    random_sequences_agree_with_the_model(Backend::Sqlite, 48);
}

#[test]
fn postgres_random_book_cancel_sequences_agree_with_the_model() {
    random_sequences_agree_with_the_model(Backend::Postgres, 48);
}
