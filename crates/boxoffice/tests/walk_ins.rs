//! Walk-ins (a person booked by name alone) and unlimited events under load.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use futures::future::join_all;
use serde_json::{Value, json};

on_both_databases!(
    user_name_alone_books_a_walk_in_each_time_as_a_new_attendee,
    name_and_email_keep_their_duplicate_rule_and_user_name_is_an_alias,
    a_name_without_email_is_refused_with_a_hint,
    walk_ins_count_against_the_capacity,
    simultaneous_bookings_of_an_unlimited_event_all_succeed_and_duplicates_still_fail,
    seat_frames_of_an_unlimited_event_carry_null_capacity_and_availability,
);

async fn unlimited_event(app: &TestApp) -> i64 {
    let start = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let body = json!({"title": "Open house", "start_time": start});
    expect_status(app.organizer().post("/events", &body).await, 201).await["id"]
        .as_i64()
        .unwrap()
}

async fn book(app: &TestApp, event: i64, body: Value) -> reqwest::Response {
    app.post(&format!("/events/{event}/book"), &body).await
}

async fn user_name_alone_books_a_walk_in_each_time_as_a_new_attendee(app: TestApp) {
    let event = app.create_event(10).await;
    let first = expect_status(book(&app, event, json!({"user_name": "Bob"})).await, 201).await;
    let second = expect_status(book(&app, event, json!({"user_name": "Bob"})).await, 201).await;
    assert_eq!(first["attendee"]["name"], "Bob");
    assert_eq!(first["attendee"]["email"], Value::Null);
    assert_ne!(
        first["attendee"]["id"], second["attendee"]["id"],
        "never merged"
    );
    assert_eq!(app.seats(event).await, (2, 8));
    // A walk-in holds an ordinary booking: the cancel token cancels it, freeing one seat.
    let path = format!("/bookings/{}", first["id"]);
    let token = first["cancel_token"].as_str().unwrap();
    let cancel = app
        .request(reqwest::Method::DELETE, &path)
        .header("X-Cancel-Token", token)
        .send()
        .await
        .unwrap();
    expect_status(cancel, 200).await;
    assert_eq!(app.seats(event).await, (1, 9));
    let attendees = expect_status(
        app.organizer()
            .get(&format!("/events/{event}/attendees"))
            .await,
        200,
    )
    .await;
    assert_eq!(attendees["total"], 1);
    assert_eq!(attendees["items"][0]["email"], Value::Null);
}

async fn name_and_email_keep_their_duplicate_rule_and_user_name_is_an_alias(app: TestApp) {
    let event = app.create_event(10).await;
    let asha = json!({"name": "Asha", "email": "asha@example.com"});
    let booked = expect_status(book(&app, event, asha.clone()).await, 201).await;
    assert_eq!(booked["attendee"]["email"], "asha@example.com");
    expect_problem(book(&app, event, asha).await, 400, "already_booked").await;
    let alias = json!({"user_name": "Asha R.", "email": "ASHA@example.com"});
    expect_problem(book(&app, event, alias).await, 400, "already_booked").await;
    let other = json!({"user_name": "Ravi", "email": "ravi@example.com"});
    let ravi = expect_status(book(&app, event, other).await, 201).await;
    assert_eq!(ravi["attendee"]["name"], "Ravi");
}

async fn a_name_without_email_is_refused_with_a_hint(app: TestApp) {
    let event = app.create_event(10).await;
    let problem = expect_problem(
        book(&app, event, json!({"name": "Bob"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "email");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("user_name")
    );
    let both = json!({"name": "Bob", "user_name": "Bobby", "email": "bob@example.com"});
    expect_problem(book(&app, event, both).await, 422, "validation_failed").await;
    let blank = json!({"user_name": "   "});
    expect_problem(book(&app, event, blank).await, 422, "validation_failed").await;
    expect_problem(book(&app, event, json!({})).await, 422, "validation_failed").await;
}

async fn walk_ins_count_against_the_capacity(app: TestApp) {
    let event = app.create_event(2).await;
    for _ in 0..2 {
        expect_status(book(&app, event, json!({"user_name": "Bob"})).await, 201).await;
    }
    expect_problem(
        book(&app, event, json!({"user_name": "Bob"})).await,
        400,
        "event_full",
    )
    .await;
    assert_eq!(app.seats(event).await, (2, 0));
}

async fn simultaneous_bookings_of_an_unlimited_event_all_succeed_and_duplicates_still_fail(
    app: TestApp,
) {
    let event = unlimited_event(&app).await;
    let url = app.url(&format!("/events/{event}/book"));
    let sends = (0..200).map(|n| {
        let body = match n % 4 {
            // Fifty requests for one person: exactly one may hold a seat.
            0 => json!({"name": "Same", "email": "same@example.com"}),
            1 => json!({"user_name": format!("Walk-in {n}")}),
            _ => json!({"name": "Guest", "email": format!("guest{n}@example.com")}),
        };
        let request = app.client.post(&url).json(&body);
        async move { request.send().await.expect("booking").status().as_u16() }
    });
    let statuses = join_all(sends).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 400).count();
    assert_eq!((created, refused), (151, 49), "{statuses:?}");
    let read = expect_status(app.get(&format!("/events/{event}")).await, 200).await;
    assert_eq!(read["seats_booked"], 151);
    assert_eq!(read["seats_available"], Value::Null);
    let attendees = expect_status(
        app.organizer()
            .get(&format!("/events/{event}/attendees?page_size=1"))
            .await,
        200,
    )
    .await;
    assert_eq!(attendees["total"], 151, "the counter agrees with the rows");
}

async fn seat_frames_of_an_unlimited_event_carry_null_capacity_and_availability(app: TestApp) {
    let event = unlimited_event(&app).await;
    let mut watcher = app.ws(None).await;
    assert_eq!(watcher.command("watch", event).await["type"], "ack");
    let initial = watcher.next_of_type("seats").await;
    assert_eq!(
        (
            initial["capacity"].clone(),
            initial["seats_available"].clone()
        ),
        (Value::Null, Value::Null),
        "{initial}"
    );
    assert_eq!(initial["seats_booked"], 0);
    expect_status(book(&app, event, json!({"user_name": "Bob"})).await, 201).await;
    // The frame of the event's creation may still be on its way; wait for the booking's.
    let booked = loop {
        let seats = watcher.next_of_type("seats").await;
        if seats["seats_booked"] == 1 {
            break seats;
        }
    };
    assert!(
        booked.get("capacity").is_some_and(Value::is_null),
        "{booked}"
    );
    assert!(
        booked.get("seats_available").is_some_and(Value::is_null),
        "{booked}"
    );
}
