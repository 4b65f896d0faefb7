//! Events, attendees and bookings: events managed by authenticated users, attendees who register
//! without authentication, bookings by `{event_id, attendee_id}` that refuse overbooking and
//! duplicates, country-based locations, pagination and filtering, documented responses.
//!
//! The bodies here are the smallest that meet the rules (an event needs a title and a start; its
//! place is a country), dated next year.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use chrono::Datelike;
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    events_are_created_changed_listed_and_deleted_by_authenticated_users_only,
    a_country_is_location_enough,
    attendees_register_without_authentication_and_manage_their_record,
    bookings_refuse_overbooking_and_duplicates,
    events_are_listed_page_by_page_and_filtered_by_country,
    invalid_requests_get_structured_errors,
);

fn starting(month: u32) -> String {
    format!("{}-{month:02}-10T19:00:00", chrono::Utc::now().year() + 1)
}

fn event_in(country: &str, capacity: i64) -> Value {
    json!({"title": format!("Meetup in {country}"), "country": country, "start_time": starting(3), "capacity": capacity})
}

async fn create(app: &TestApp, body: &Value) -> Value {
    expect_status(app.organizer().post("/events", body).await, 201).await
}

async fn register(app: &TestApp, name: &str, email: &str) -> Value {
    let body = json!({"name": name, "email": email});
    expect_status(app.post("/attendees", &body).await, 201).await
}

async fn book(app: &TestApp, attendee: &Value, event: &Value) -> reqwest::Response {
    app.request(Method::POST, "/bookings")
        .header("X-Attendee-Token", attendee["token"].as_str().unwrap())
        .json(&json!({"event_id": event["id"], "attendee_id": attendee["id"]}))
        .send()
        .await
        .unwrap()
}

async fn events_are_created_changed_listed_and_deleted_by_authenticated_users_only(app: TestApp) {
    let body = event_in("DE", 50);
    expect_problem(
        app.post("/events", &body).await,
        401,
        "authentication_required",
    )
    .await;
    let event = create(&app, &body).await;
    let path = format!("/events/{}", event["id"]);

    expect_problem(
        app.patch(&path, &json!({"capacity": 60})).await,
        401,
        "authentication_required",
    )
    .await;
    let stranger = app.sign_up("stranger").await;
    expect_problem(
        app.session(&stranger)
            .patch(&path, &json!({"capacity": 60}))
            .await,
        403,
        "forbidden",
    )
    .await;
    let changed = app.organizer().patch(&path, &json!({"capacity": 60})).await;
    assert_eq!(expect_status(changed, 200).await["capacity"], 60);

    let listed = expect_status(app.get("/events").await, 200).await;
    assert_eq!(listed["items"][0]["id"], event["id"]);

    expect_problem(app.delete(&path).await, 401, "authentication_required").await;
    expect_status(app.organizer().delete(&path).await, 204).await;
    expect_problem(app.get(&path).await, 404, "event_not_found").await;
}

async fn a_country_is_location_enough(app: TestApp) {
    let event = create(&app, &event_in("DE", 50)).await;
    assert_eq!(event["country"], "DE");
    assert_eq!(event["location"], "Germany");
    let by_name = create(&app, &event_in("France", 50)).await;
    assert_eq!(by_name["country"], "FR");
    let nowhere = expect_problem(
        app.organizer()
            .post("/events", &event_in("Atlantis", 50))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(nowhere["errors"][0]["field"], "country");
}

async fn attendees_register_without_authentication_and_manage_their_record(app: TestApp) {
    let ann = register(&app, "Ann Lee", "ann@example.com").await;
    assert!(ann["token"].as_str().is_some_and(|t| t.len() >= 40));
    let path = format!("/attendees/{}", ann["id"]);
    let token = ann["token"].as_str().unwrap();
    let renamed = app
        .request(Method::PATCH, &path)
        .header("X-Attendee-Token", token)
        .json(&json!({"name": "Ann Lee-Park"}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_status(renamed, 200).await["name"], "Ann Lee-Park");
    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    let taken = app
        .post(
            "/attendees",
            &json!({"name": "Imposter", "email": "ANN@example.com"}),
        )
        .await;
    expect_problem(taken, 409, "email_taken").await;
}

async fn bookings_refuse_overbooking_and_duplicates(app: TestApp) {
    let event = create(&app, &event_in("DE", 2)).await;
    let ann = register(&app, "Ann", "ann@example.com").await;
    let bob = register(&app, "Bob", "bob@example.com").await;
    let cid = register(&app, "Cid", "cid@example.com").await;

    let booked = expect_status(book(&app, &ann, &event).await, 201).await;
    assert_eq!(booked["event_id"], event["id"]);
    assert_eq!(booked["attendee"]["id"], ann["id"]);
    assert_eq!(booked["status"], "confirmed");
    let twice = expect_problem(book(&app, &ann, &event).await, 400, "already_booked").await;
    assert_eq!(twice["title"], "Attendee already booked this event");
    expect_status(book(&app, &bob, &event).await, 201).await;
    let full = expect_problem(book(&app, &cid, &event).await, 400, "event_full").await;
    assert_eq!(full["title"], "Event is fully booked");
    assert_eq!(app.seats(event["id"].as_i64().unwrap()).await, (2, 0));
}

async fn events_are_listed_page_by_page_and_filtered_by_country(app: TestApp) {
    for country in ["DE", "FR", "DE"] {
        create(&app, &event_in(country, 10)).await;
    }
    let german = expect_status(app.get("/events?country=DE&page_size=1").await, 200).await;
    assert_eq!(german["total"], 2);
    assert_eq!(german["page_size"], 1);
    assert_eq!(german["items"].as_array().unwrap().len(), 1);
    assert_eq!(german["items"][0]["country"], "DE");
    let second = expect_status(app.get("/events?country=de&page=2&page_size=1").await, 200).await;
    assert_eq!(second["items"][0]["country"], "DE");
    assert_ne!(second["items"][0]["id"], german["items"][0]["id"]);
    let all = expect_status(app.get("/events").await, 200).await;
    assert_eq!(
        (all["total"].as_i64(), all["page"].as_i64()),
        (Some(3), Some(1))
    );
}

async fn invalid_requests_get_structured_errors(app: TestApp) {
    let bad_json = app
        .organizer()
        .request(Method::POST, "/events")
        .header("Content-Type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad_json.headers()["content-type"],
        "application/problem+json"
    );
    expect_problem(bad_json, 400, "malformed_json").await;
    let no_start = json!({"title": "Meetup", "country": "DE"});
    let missing = expect_problem(
        app.organizer().post("/events", &no_start).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "start_time");
    expect_problem(app.get("/events/abc").await, 400, "invalid_path_parameter").await;
}
