//! Integrity under concurrency: the database, not the process, decides.
//!
//! The cross-process tests start two real `boxoffice serve` processes on one
//! PostgreSQL database and spread the requests over both.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{
    Backend, JWT_SECRET, PASSWORD, ServerProcess, TestApp, TestDatabase, event_body, expect_status,
    on_both_databases,
};
use futures::future::join_all;
use serde_json::json;

on_both_databases!(
    erasing_attendees_while_their_bookings_are_cancelled_frees_each_seat_once,
    five_hundred_simultaneous_bookings_fill_fifty_seats_exactly,
    a_hundred_simultaneous_bookings_by_one_email_give_exactly_one,
    cancelling_and_rebooking_at_once_never_deadlocks_into_a_server_error,
);

/// Fires one booking per URL at once; returns the status codes.
async fn book_all(client: &reqwest::Client, requests: Vec<(String, String)>) -> Vec<u16> {
    let sends = requests.into_iter().map(|(url, email)| {
        let client = client.clone();
        async move {
            let response = client
                .post(url)
                .json(&json!({"name": "Rush", "email": email}))
                .send()
                .await
                .expect("booking request");
            response.status().as_u16()
        }
    });
    join_all(sends).await
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// Seats counted by the event and the confirmed booking rows must agree.
async fn assert_counter_matches_rows(
    app_url: &str,
    client: &reqwest::Client,
    owner_token: &str,
    event: i64,
    expected: i64,
) {
    let event_body = client
        .get(format!("{app_url}/events/{event}"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let attendees = client
        .get(format!("{app_url}/events/{event}/attendees?page_size=1"))
        .bearer_auth(owner_token)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(event_body["seats_booked"], expected, "counter");
    assert_eq!(attendees["total"], expected, "confirmed booking rows");
}

async fn five_hundred_simultaneous_bookings_fill_fifty_seats_exactly(app: TestApp) {
    let event = app.create_event(50).await;
    let requests = (0..500)
        .map(|n| {
            (
                app.url(&format!("/events/{event}/book")),
                format!("rush{n}@example.com"),
            )
        })
        .collect();
    let statuses = book_all(&app.client, requests).await;
    assert_eq!(count(&statuses, 201), 50, "{statuses:?}");
    assert_eq!(
        count(&statuses, 400),
        450,
        "the rest are refused as full: {statuses:?}"
    );
    assert_counter_matches_rows(&app.url(""), &app.client, &app.organizer_token, event, 50).await;
}

async fn a_hundred_simultaneous_bookings_by_one_email_give_exactly_one(app: TestApp) {
    let event = app.create_event(50).await;
    let requests = (0..100)
        .map(|n| {
            (
                app.url(&format!("/events/{event}/book")),
                if n % 2 == 0 {
                    "same@example.com"
                } else {
                    "SAME@example.com"
                }
                .to_owned(),
            )
        })
        .collect();
    let statuses = book_all(&app.client, requests).await;
    assert_eq!(count(&statuses, 201), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 400), 99, "{statuses:?}");
    assert_counter_matches_rows(&app.url(""), &app.client, &app.organizer_token, event, 1).await;
}

async fn two_processes() -> (TestDatabase, ServerProcess, ServerProcess, reqwest::Client) {
    let database = TestDatabase::create(Backend::Postgres).await;
    let args = ["--database-url", database.url.as_str()];
    let env = [("JWT_SECRET", JWT_SECRET)];
    let first = ServerProcess::start(env!("CARGO_BIN_EXE_boxoffice"), &args, &env);
    let second = ServerProcess::start(env!("CARGO_BIN_EXE_boxoffice"), &args, &env);
    (database, first, second, reqwest::Client::new())
}

/// Signs up an organizer on `base` and creates an event there; returns the event and the token.
async fn create_event_on(client: &reqwest::Client, base: &str, capacity: i64) -> (i64, String) {
    let account = json!({"email": "org@example.com", "username": "org", "password": PASSWORD});
    let registered = client
        .post(format!("{base}/auth/register"))
        .json(&account)
        .send()
        .await
        .unwrap();
    expect_status(registered, 201).await;
    let login = json!({"username": "org", "password": PASSWORD});
    let signed_in = client
        .post(format!("{base}/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    let token = expect_status(signed_in, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = client
        .post(format!("{base}/events"))
        .bearer_auth(&token)
        .json(&event_body("Cross-process", capacity))
        .send()
        .await
        .unwrap();
    let event = expect_status(response, 201).await["id"].as_i64().unwrap();
    (event, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookings_spread_over_two_processes_fill_fifty_seats_exactly() {
    let (_database, a, b, client) = two_processes().await;
    let (event, token) = create_event_on(&client, &a.base, 50).await;
    let requests = (0..500)
        .map(|n| {
            let base = if n % 2 == 0 { &a.base } else { &b.base };
            (
                format!("{base}/events/{event}/book"),
                format!("rush{n}@example.com"),
            )
        })
        .collect();
    let statuses = book_all(&client, requests).await;
    assert_eq!(count(&statuses, 201), 50, "{statuses:?}");
    assert_eq!(count(&statuses, 400), 450, "{statuses:?}");
    assert_counter_matches_rows(&b.base, &client, &token, event, 50).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_email_booking_through_two_processes_gets_exactly_one_seat() {
    let (_database, a, b, client) = two_processes().await;
    let (event, token) = create_event_on(&client, &a.base, 50).await;
    let requests = (0..100)
        .map(|n| {
            let base = if n % 2 == 0 { &a.base } else { &b.base };
            (
                format!("{base}/events/{event}/book"),
                "same@example.com".to_owned(),
            )
        })
        .collect();
    let statuses = book_all(&client, requests).await;
    assert_eq!(count(&statuses, 201), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 400), 99, "{statuses:?}");
    assert_counter_matches_rows(&a.base, &client, &token, event, 1).await;
}

async fn erasing_attendees_while_their_bookings_are_cancelled_frees_each_seat_once(app: TestApp) {
    let event = app.create_event(40).await;
    let mut holders = Vec::new();
    for n in 0..20 {
        let email = format!("holder{n}@example.com");
        let attendee = expect_status(
            app.post("/attendees", &json!({"name": "Holder", "email": email}))
                .await,
            201,
        )
        .await;
        let booking = expect_status(app.book(event, &email).await, 201).await;
        holders.push((attendee, booking));
    }
    let races = holders.iter().flat_map(|(attendee, booking)| {
        let erase = app
            .request(
                reqwest::Method::DELETE,
                &format!("/attendees/{}", attendee["id"]),
            )
            .header("X-Attendee-Token", attendee["token"].as_str().unwrap())
            .send();
        let cancel = app
            .request(
                reqwest::Method::DELETE,
                &format!("/bookings/{}", booking["id"]),
            )
            .header("X-Cancel-Token", booking["cancel_token"].as_str().unwrap())
            .send();
        [
            Box::pin(erase) as std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>>,
            Box::pin(cancel),
        ]
    });
    for response in join_all(races).await {
        let status = response.expect("request").status().as_u16();
        assert!(matches!(status, 200 | 204 | 404), "status {status}");
    }
    assert_counter_matches_rows(&app.url(""), &app.client, &app.organizer_token, event, 0).await;
}

/// One round for one person: book, then cancel and book again at the same moment.
/// Returns every status seen; leaves the person without an active booking.
async fn cancel_while_rebooking(app: &TestApp, event: i64, email: &str) -> Vec<u16> {
    let book = || app.book(event, email);
    let cancel = |booking: &serde_json::Value| {
        app.request(
            reqwest::Method::DELETE,
            &format!("/bookings/{}", booking["id"]),
        )
        .header("X-Cancel-Token", booking["cancel_token"].as_str().unwrap())
        .send()
    };
    let first = expect_status(book().await, 201).await;
    let (cancelled, rebooked) = tokio::join!(cancel(&first), book());
    let (cancelled, rebooked) = (cancelled.unwrap(), rebooked);
    let mut statuses = vec![cancelled.status().as_u16(), rebooked.status().as_u16()];
    if rebooked.status() == 201 {
        let again: serde_json::Value = rebooked.json().await.unwrap();
        statuses.push(cancel(&again).await.unwrap().status().as_u16());
    }
    statuses
}

async fn cancelling_and_rebooking_at_once_never_deadlocks_into_a_server_error(app: TestApp) {
    const PEOPLE: usize = 6;
    const ROUNDS: usize = 40;
    let event = app.create_event(100).await;
    let people: Vec<String> = (0..PEOPLE)
        .map(|p| format!("racer{p}@example.com"))
        .collect();
    let runs = people.iter().map(|email| {
        let app = &app;
        async move {
            let mut statuses = Vec::new();
            for _ in 0..ROUNDS {
                statuses.extend(cancel_while_rebooking(app, event, email).await);
            }
            statuses
        }
    });
    let statuses: Vec<u16> = join_all(runs).await.into_iter().flatten().collect();
    let errors = statuses.iter().filter(|s| **s >= 500).count();
    assert_eq!(errors, 0, "server errors among {} answers", statuses.len());
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 201 | 400)),
        "{statuses:?}"
    );
    assert_eq!(app.seats(event).await, (0, 100));

    // Everyone books once more: the counter and the confirmed rows agree, one per person.
    for email in &people {
        expect_status(app.book(event, email).await, 201).await;
    }
    let url = app.url("");
    let owner = app.organizer_token.clone();
    assert_counter_matches_rows(&url, &app.client, &owner, event, PEOPLE as i64).await;
    let admin = app.admin_token().await;
    let mut holders: Vec<i64> = Vec::new();
    for page in 1.. {
        let path = format!("/bookings?event_id={event}&page_size=100&page={page}");
        let listed = expect_status(app.session(&admin).get(&path).await, 200).await;
        let items = listed["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        holders.extend(
            items
                .iter()
                .filter(|b| b["status"] == "confirmed")
                .map(|b| b["attendee"]["id"].as_i64().unwrap()),
        );
    }
    assert_eq!(holders.len(), PEOPLE, "confirmed bookings");
    holders.sort_unstable();
    holders.dedup();
    assert_eq!(holders.len(), PEOPLE, "one active booking per person");
}
