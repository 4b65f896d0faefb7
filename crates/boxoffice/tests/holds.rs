//! Seat holds over HTTP, on SQLite and PostgreSQL: a hold counts against the capacity,
//! books with its token, expires on the server without any client action (giving its
//! seats to the waitlist first), and races with cancellations keep every count right.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_domain::HoldDuration;
use boxoffice_testkit::{Backend, Options, TestApp, expect_problem, expect_status};
use serde_json::{Value, json};
use std::time::Duration;

async fn short_holds(backend: Backend) -> TestApp {
    let options = Options {
        hold_duration: HoldDuration::seconds(1).unwrap(),
        ..Options::default()
    };
    TestApp::start_with(backend, options).await
}

async fn hold(app: &TestApp, event: i64, seats: i64) -> reqwest::Response {
    app.post(&format!("/events/{event}/holds"), &json!({"seats": seats}))
        .await
}

async fn book_held(app: &TestApp, event: i64, hold: &Value, email: &str) -> reqwest::Response {
    app.request(reqwest::Method::POST, &format!("/events/{event}/book"))
        .header("X-Hold-Token", hold["token"].as_str().unwrap())
        .json(&json!({"name": "Held", "email": email}))
        .send()
        .await
        .unwrap()
}

async fn get_hold(app: &TestApp, hold: &Value) -> reqwest::Response {
    app.request(reqwest::Method::GET, &format!("/holds/{}", hold["id"]))
        .header("X-Hold-Token", hold["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
}

async fn assert_invariants(app: &TestApp) {
    let violations = app.store.check_invariants(None).await.unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

/// Waits (up to 5 s) until the event's seat counts are `seats`.
async fn wait_for_seats(app: &TestApp, event: i64, seats: (i64, i64)) {
    for _ in 0..100 {
        if app.seats(event).await == seats {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.seats(event).await, seats);
}

async fn a_hold_counts_against_capacity_and_books_with_its_token(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = app.create_event(3).await;
    let held = expect_status(hold(&app, event, 2).await, 201).await;
    assert_eq!(held["seats"], 2);
    assert!(held["expires_in_seconds"].as_i64().unwrap() > 500);
    assert_eq!(app.seats(event).await, (2, 1));
    expect_status(app.book(event, "walk-up@example.test").await, 201).await;
    expect_problem(
        app.book(event, "late@example.test").await,
        400,
        "event_full",
    )
    .await;
    // Held seats are the holder's: booking with the token needs no free seat.
    expect_status(book_held(&app, event, &held, "a@example.test").await, 201).await;
    assert_eq!(app.seats(event).await, (3, 0));
    assert_eq!(
        expect_status(get_hold(&app, &held).await, 200).await["seats"],
        1
    );
    expect_status(book_held(&app, event, &held, "b@example.test").await, 201).await;
    // Used up: gone.
    expect_problem(get_hold(&app, &held).await, 404, "hold_not_found").await;
    let again = book_held(&app, event, &held, "c@example.test").await;
    expect_problem(again, 410, "hold_expired").await;
    assert_eq!(app.seats(event).await, (3, 0));
    assert_invariants(&app).await;
}

async fn holds_are_refused_and_released_with_a_reason(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = app.create_event(2).await;
    for seats in [0, 11, -1] {
        expect_problem(hold(&app, event, seats).await, 422, "validation_failed").await;
    }
    expect_problem(hold(&app, event, 3).await, 400, "event_full").await;
    expect_problem(hold(&app, 999_999, 1).await, 404, "event_not_found").await;
    let held = expect_status(hold(&app, event, 2).await, 201).await;
    let other = app.create_event(2).await;
    // A hold books only its own event.
    expect_problem(
        book_held(&app, other, &held, "x@example.test").await,
        410,
        "hold_expired",
    )
    .await;
    let path = format!("/holds/{}", held["id"]);
    let anonymous = app
        .request(reqwest::Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, 401, "authentication_required").await;
    let wrong = app
        .request(reqwest::Method::DELETE, &path)
        .header("X-Hold-Token", "not-the-token")
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 404, "hold_not_found").await;
    let released = app
        .request(reqwest::Method::DELETE, &path)
        .header("X-Hold-Token", held["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(released.status(), 204);
    assert_eq!(app.seats(event).await, (0, 2));
    assert_invariants(&app).await;
}

async fn an_expired_hold_gives_its_seats_back_without_any_client(backend: Backend) {
    let app = short_holds(backend).await;
    let event = app.create_event(2).await;
    let held = expect_status(hold(&app, event, 2).await, 201).await;
    assert_eq!(app.seats(event).await, (2, 0));
    // Nobody calls anything: the server ends the hold.
    wait_for_seats(&app, event, (0, 2)).await;
    expect_problem(get_hold(&app, &held).await, 404, "hold_not_found").await;
    let late = book_held(&app, event, &held, "late@example.test").await;
    expect_problem(late, 410, "hold_expired").await;
    assert_invariants(&app).await;
}

async fn an_expired_hold_goes_to_the_first_in_line(backend: Backend) {
    let app = short_holds(backend).await;
    let event = app.create_event(1).await;
    expect_status(hold(&app, event, 1).await, 201).await;
    let waiting = app
        .post(
            &format!("/events/{event}/waitlist"),
            &json!({"name": "Noor", "email": "noor@example.test"}),
        )
        .await;
    let waiting = expect_status(waiting, 201).await;
    let place = format!("/waitlist/{}", waiting["id"]);
    let mut status = Value::Null;
    for _ in 0..100 {
        let response = app
            .request(reqwest::Method::GET, &place)
            .header("X-Waitlist-Token", waiting["token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        status = expect_status(response, 200).await["status"].clone();
        if status == "promoted" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, "promoted");
    assert_eq!(app.seats(event).await, (1, 0));
    assert_invariants(&app).await;
}

/// A booking is cancelled while a hold expires, with two people waiting: both seats go to
/// the line, each exactly once, whichever comes first.
async fn a_cancellation_racing_a_hold_expiring_gives_each_seat_once(backend: Backend) {
    let app = short_holds(backend).await;
    for round in 0..3 {
        let event = app.create_event(2).await;
        let seat = app
            .book(event, &format!("holder{round}@example.test"))
            .await;
        let seat = expect_status(seat, 201).await;
        expect_status(hold(&app, event, 1).await, 201).await;
        for n in 0..3 {
            let body = json!({"name": "W", "email": format!("w{round}-{n}@example.test")});
            let joined = app.post(&format!("/events/{event}/waitlist"), &body).await;
            expect_status(joined, 201).await;
        }
        // Cancel just as the hold expires (after about a second).
        tokio::time::sleep(Duration::from_millis(900 + 50 * round)).await;
        let cancelled = app
            .request(
                reqwest::Method::DELETE,
                &format!("/bookings/{}", seat["id"]),
            )
            .header("X-Cancel-Token", seat["cancel_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(cancelled.status(), 200);
        // Both seats went to the first two in line; the third still waits.
        let line = format!("/events/{event}/waitlist");
        let mut total = Value::Null;
        for _ in 0..100 {
            total = expect_status(app.organizer().get(&line).await, 200).await["total"].clone();
            if total == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(total, 1, "round {round}");
        assert_eq!(app.seats(event).await, (2, 0));
        assert_invariants(&app).await;
    }
}

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
    a_hold_counts_against_capacity_and_books_with_its_token,
    holds_are_refused_and_released_with_a_reason,
    an_expired_hold_gives_its_seats_back_without_any_client,
    an_expired_hold_goes_to_the_first_in_line,
    a_cancellation_racing_a_hold_expiring_gives_each_seat_once,
);
