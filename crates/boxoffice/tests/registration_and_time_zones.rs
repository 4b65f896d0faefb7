//! Registration by name and e-mail and time zones: four endpoints with their alternative field
//! names (`name`, `location`, `start_time`, `end_time`, `max_capacity`; an attendee's `name` and
//! `email`), its edge cases (capacity, duplicate e-mail), the paginated attendee list, and its
//! time-zone rule: an event created in IST shows its slots in whatever zone is asked for.
//!
//! The values are the test's own (next year, so that the event is upcoming); creating an event
//! needs a signed-in user and reading its attendee list its organizer (or an admin), since attendee
//! e-mails are personal data.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use chrono::Datelike;
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    create_list_register_and_list_attendees_with_the_documented_fields,
    capacity_and_duplicate_e_mails_are_enforced_with_meaningful_errors,
    attendee_lists_paginate_and_belong_to_the_organizer,
    slots_created_in_ist_follow_the_time_zone_asked_for,
);

fn year() -> i32 {
    chrono::Utc::now().year() + 1
}

/// The create-event fields with their alternative names, times in IST (no offset given).
fn tech_talk(max_capacity: i64) -> Value {
    json!({
        "name": "Tech Talk",
        "location": "Bengaluru",
        "start_time": format!("{}-01-15T10:00:00", year()),
        "end_time": format!("{}-01-15T12:00:00", year()),
        "max_capacity": max_capacity
    })
}

async fn create(app: &TestApp, max_capacity: i64) -> Value {
    expect_status(
        app.organizer()
            .post("/events", &tech_talk(max_capacity))
            .await,
        201,
    )
    .await
}

async fn register(app: &TestApp, event: &Value, name: &str, email: &str) -> reqwest::Response {
    app.post(
        &format!("/events/{}/register", event["id"]),
        &json!({"name": name, "email": email}),
    )
    .await
}

async fn create_list_register_and_list_attendees_with_the_documented_fields(app: TestApp) {
    let event = create(&app, 3).await;
    assert_eq!(event["title"], "Tech Talk");
    assert_eq!(event["location"], "Bengaluru");
    assert_eq!(event["capacity"], 3);
    // IST is the default zone, and it gives the country.
    assert_eq!(event["timezone"], "Asia/Kolkata");
    assert_eq!(event["country"], "IN");
    assert_eq!(
        event["start_time"],
        format!("{}-01-15T10:00:00+05:30", year())
    );
    assert_eq!(
        event["end_time"],
        format!("{}-01-15T12:00:00+05:30", year())
    );

    let upcoming = expect_status(app.get("/events").await, 200).await;
    assert_eq!(upcoming["total"], 1);
    assert_eq!(upcoming["items"][0]["id"], event["id"]);

    let registered = expect_status(
        register(&app, &event, "Asha Rao", "asha@example.com").await,
        201,
    )
    .await;
    assert_eq!(registered["attendee"]["name"], "Asha Rao");
    assert_eq!(registered["attendee"]["email"], "asha@example.com");

    let attendees = app
        .organizer()
        .get(&format!("/events/{}/attendees", event["id"]))
        .await;
    let attendees = expect_status(attendees, 200).await;
    assert_eq!(attendees["total"], 1);
    assert_eq!(attendees["items"][0]["name"], "Asha Rao");
    assert_eq!(attendees["items"][0]["email"], "asha@example.com");
}

async fn capacity_and_duplicate_e_mails_are_enforced_with_meaningful_errors(app: TestApp) {
    let event = create(&app, 2).await;
    expect_status(
        register(&app, &event, "Asha", "asha@example.com").await,
        201,
    )
    .await;
    let duplicate = expect_problem(
        register(&app, &event, "Asha R.", "ASHA@example.com").await,
        400,
        "already_booked",
    )
    .await;
    assert_eq!(duplicate["title"], "Attendee already booked this event");
    expect_status(
        register(&app, &event, "Ravi", "ravi@example.com").await,
        201,
    )
    .await;
    let full = expect_problem(
        register(&app, &event, "Meera", "meera@example.com").await,
        400,
        "event_full",
    )
    .await;
    assert_eq!(full["title"], "Event is fully booked");
    assert_eq!(app.seats(event["id"].as_i64().unwrap()).await, (2, 0));

    let invalid = expect_problem(
        register(&app, &event, "", "not-an-address").await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = invalid["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email"]);

    let mut no_seats = tech_talk(0);
    no_seats["end_time"] = json!(format!("{}-01-15T09:00:00", year()));
    let refused = expect_problem(
        app.organizer().post("/events", &no_seats).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"end_time") && fields.contains(&"capacity"));
}

async fn attendee_lists_paginate_and_belong_to_the_organizer(app: TestApp) {
    let event = create(&app, 10).await;
    for n in 1..=3 {
        let email = format!("guest{n}@example.com");
        expect_status(
            register(&app, &event, &format!("Guest {n}"), &email).await,
            201,
        )
        .await;
    }
    let path = format!("/events/{}/attendees", event["id"]);
    let first = expect_status(
        app.organizer()
            .get(&format!("{path}?page=1&page_size=2"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            first["total"].as_i64(),
            first["items"].as_array().unwrap().len()
        ),
        (Some(3), 2)
    );
    assert_eq!(first["items"][0]["name"], "Guest 1");
    let second = expect_status(
        app.organizer()
            .get(&format!("{path}?page=2&page_size=2"))
            .await,
        200,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["name"], "Guest 3");

    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    let stranger = app.sign_up("stranger").await;
    expect_problem(app.session(&stranger).get(&path).await, 403, "forbidden").await;
}

async fn slots_created_in_ist_follow_the_time_zone_asked_for(app: TestApp) {
    let event = create(&app, 10).await;
    let path = format!("/events/{}", event["id"]);
    let y = year();

    let london = expect_status(app.get(&format!("{path}?tz=Europe/London")).await, 200).await;
    assert_eq!(london["start_time"], format!("{y}-01-15T04:30:00+00:00"));
    let new_york = app
        .request(Method::GET, &path)
        .header("X-Timezone", "America/New_York")
        .send()
        .await
        .unwrap();
    let new_york = expect_status(new_york, 200).await;
    assert_eq!(new_york["start_time"], format!("{y}-01-14T23:30:00-05:00"));
    let listed = expect_status(app.get("/events?tz=Asia/Tokyo").await, 200).await;
    assert_eq!(
        listed["items"][0]["start_time"],
        format!("{y}-01-15T13:30:00+09:00")
    );

    // Moving the event to another zone keeps its instants: every slot shows in the new zone.
    let moved = app
        .organizer()
        .patch(&path, &json!({"timezone": "Europe/Paris"}))
        .await;
    let moved = expect_status(moved, 200).await;
    assert_eq!(moved["start_time"], format!("{y}-01-15T05:30:00+01:00"));
    assert_eq!(moved["end_time"], format!("{y}-01-15T07:30:00+01:00"));
    expect_problem(
        app.get(&format!("{path}?tz=Mars/Olympus")).await,
        400,
        "invalid_timezone",
    )
    .await;
}
