//! The seat limit and trailing slashes: five endpoints at their paths, trailing slashes included,
//! with bodies in the alternative field names (`name`, `description`, `total_seats`, `date`; a
//! booking is a `user_name`), and the seat limit: five seats, the sixth refused, a cancellation
//! lets one more in. The SDK snippet is run by `sdk/python/tests/test_usage_snippet.py`.
//!
//! The values are the test's own, with a `date` next year (an event may not start in the past);
//! creating an event needs a signed-in user, and cancelling a booking its cancel token (or the
//! organizer, or an admin).
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use chrono::Datelike;
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    five_seats_the_sixth_refused_a_cancellation_lets_one_more_in,
    the_printed_paths_answer_with_and_without_trailing_slashes,
    unknown_events_and_bookings_are_404_and_overbooking_400,
    the_openapi_document_gives_the_sdk_its_events_api,
    seats_are_seen_changing_in_real_time,
    the_sample_data_file_loads_twice_without_duplicates,
);

/// An event in the schema's terms: `name`, `description`, `total_seats`, `date`.
fn event_a(total_seats: i64) -> Value {
    let year = chrono::Utc::now().year() + 1;
    json!({
        "name": "Event A",
        "description": "Five seats only",
        "total_seats": total_seats,
        "date": format!("{year}-06-01T18:00:00")
    })
}

async fn create(app: &TestApp, total_seats: i64) -> i64 {
    let created = app
        .organizer()
        .post("/events/", &event_a(total_seats))
        .await;
    let created = expect_status(created, 201).await;
    created["id"].as_i64().unwrap()
}

async fn book(app: &TestApp, event: i64, user_name: &str) -> reqwest::Response {
    app.post(
        &format!("/events/{event}/book"),
        &json!({"user_name": user_name}),
    )
    .await
}

async fn five_seats_the_sixth_refused_a_cancellation_lets_one_more_in(app: TestApp) {
    let event = create(&app, 5).await;
    let mut bookings = Vec::new();
    for person in ["Alice", "Bob", "Carol", "Dave", "Erin"] {
        let booked = expect_status(book(&app, event, person).await, 201).await;
        assert_eq!(booked["attendee"]["name"], person);
        bookings.push(booked);
    }
    let seats = expect_status(app.get(&format!("/events/{event}")).await, 200).await;
    assert_eq!(
        (
            seats["seats_booked"].as_i64(),
            seats["seats_available"].as_i64()
        ),
        (Some(5), Some(0))
    );

    let sixth = expect_problem(book(&app, event, "Frank").await, 400, "event_full").await;
    assert_eq!(sixth["title"], "Event is fully booked");

    let cancel = app
        .request(Method::DELETE, &format!("/bookings/{}", bookings[1]["id"]))
        .header(
            "X-Cancel-Token",
            bookings[1]["cancel_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(expect_status(cancel, 200).await["status"], "cancelled");
    assert_eq!(app.seats(event).await, (4, 1));

    expect_status(book(&app, event, "Frank").await, 201).await;
    assert_eq!(app.seats(event).await, (5, 0));
    expect_problem(book(&app, event, "Grace").await, 400, "event_full").await;
}

async fn the_printed_paths_answer_with_and_without_trailing_slashes(app: TestApp) {
    let event = create(&app, 5).await;
    let created = expect_status(app.get(&format!("/events/{event}")).await, 200).await;
    assert_eq!(created["title"], "Event A");
    assert_eq!(created["description"], "Five seats only");
    assert_eq!(created["capacity"], 5);
    assert_eq!(created["seats_available"], 5);
    let year = chrono::Utc::now().year() + 1;
    assert_eq!(
        created["start_time"],
        format!("{year}-06-01T18:00:00+05:30")
    );

    for path in ["/events/", "/events"] {
        let listed = expect_status(app.get(path).await, 200).await;
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["id"], event);
    }
    for path in [format!("/events/{event}"), format!("/events/{event}/")] {
        assert_eq!(expect_status(app.get(&path).await, 200).await["id"], event);
    }
    let booked = expect_status(
        app.post(
            &format!("/events/{event}/book/"),
            &json!({"user_name": "Bob"}),
        )
        .await,
        201,
    )
    .await;
    let cancel = app
        .request(Method::DELETE, &format!("/bookings/{}/", booked["id"]))
        .header("X-Cancel-Token", booked["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(cancel, 200).await;
    assert_eq!(app.seats(event).await, (0, 5));
}

async fn unknown_events_and_bookings_are_404_and_overbooking_400(app: TestApp) {
    expect_problem(app.get("/events/999999").await, 404, "event_not_found").await;
    expect_problem(book(&app, 999_999, "Bob").await, 404, "event_not_found").await;
    let cancel = app
        .request(Method::DELETE, "/bookings/999999")
        .header("X-Cancel-Token", "not-a-real-token")
        .send()
        .await
        .unwrap();
    expect_problem(cancel, 404, "booking_not_found").await;

    let event = create(&app, 1).await;
    expect_status(book(&app, event, "Alice").await, 201).await;
    let full = expect_problem(book(&app, event, "Bob").await, 400, "event_full").await;
    assert_eq!(full["status"], 400);
}

async fn the_openapi_document_gives_the_sdk_its_events_api(app: TestApp) {
    let spec = expect_status(app.get("/openapi.json").await, 200).await;
    let list = &spec["paths"]["/events"]["get"];
    assert_eq!(list["operationId"], "get_events");
    assert_eq!(list["tags"], json!(["events"]));
    assert_eq!(
        spec["paths"]["/events/{id}"]["get"]["operationId"],
        "get_event"
    );
    assert_eq!(
        spec["paths"]["/events/{id}/book"]["post"]["operationId"],
        "book_event"
    );
    assert_eq!(
        spec["paths"]["/bookings/{id}"]["delete"]["operationId"],
        "cancel_booking"
    );
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

async fn seats_are_seen_changing_in_real_time(app: TestApp) {
    let event = create(&app, 5).await;
    let mut watcher = app.ws(None).await;
    assert_eq!(watcher.command("watch", event).await["type"], "ack");
    let booked = expect_status(book(&app, event, "Alice").await, 201).await;
    let frame = loop {
        let frame = watcher.next_of_type("seats").await;
        if frame["seats_booked"] == 1 {
            break frame;
        }
    };
    assert_eq!(frame["event_id"], event);
    assert_eq!(frame["seats_available"], 4);

    let cancel = app
        .request(Method::DELETE, &format!("/bookings/{}", booked["id"]))
        .header("X-Cancel-Token", booked["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(cancel, 200).await;
    let frame = loop {
        let frame = watcher.next_of_type("seats").await;
        if frame["seats_booked"] == 0 {
            break frame;
        }
    };
    assert_eq!(frame["seats_available"], 5);
}

async fn the_sample_data_file_loads_twice_without_duplicates(app: TestApp) {
    let seed_data = include_str!("../../../db/seed_data.sql");
    for _ in 0..2 {
        app.store.execute_script(seed_data).await.unwrap();
    }
    // The sample events have fixed dates: list them whatever the day.
    let all = expect_status(app.get("/events/?when=all&page_size=100").await, 200).await;
    assert_eq!(all["total"], 4);
    let five_seats = expect_status(app.get("/events/?when=all&q=Event%20A").await, 200).await;
    assert_eq!(five_seats["items"][0]["capacity"], 5);
    let admin = app.admin_token().await;
    let bookings = expect_status(app.session(&admin).get("/bookings/").await, 200).await;
    assert_eq!(bookings["total"], 3);
}
