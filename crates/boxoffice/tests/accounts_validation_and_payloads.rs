//! Accounts, validation and notification payloads: registration and login, an event with exactly
//! the required fields (`title`, `description`, `location`, `start_time`, `end_time`; no capacity,
//! so unlimited seats), the optional fields, every validation rule at its boundary, JWT-protected
//! changes, and the WebSocket notification payload for created, updated and deleted events with its
//! recipients.
//!
//! The values are the test's own (next year, as events may not be created in the past); event ids
//! are integers, sent as strings in the payload's `"id": "event_id"` as printed.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, WsClient, expect_problem, expect_status, on_both_databases};
use chrono::Datelike;
use serde_json::{Value, json};
use std::time::Duration;

on_both_databases!(
    users_register_and_log_in_by_username_or_email,
    an_event_with_only_the_required_fields_is_created_with_unlimited_seats,
    the_optional_fields_are_accepted_and_returned,
    every_validation_rule_holds_at_its_boundary,
    websocket_payloads_follow_the_printed_structure_and_recipients,
);

const QUIET: Duration = Duration::from_millis(300);

fn year() -> i32 {
    chrono::Utc::now().year() + 1
}

/// The required fields and nothing else.
fn required_only(title: &str) -> Value {
    json!({
        "title": title,
        "description": "Talks and networking",
        "location": "Pune",
        "start_time": format!("{}-02-01T09:00:00", year()),
        "end_time": format!("{}-02-01T17:00:00", year())
    })
}

async fn users_register_and_log_in_by_username_or_email(app: TestApp) {
    let registered = app
        .post(
            "/auth/register",
            &json!({"email": "dev@example.com", "username": "dev_user", "password": "S3cure!pass", "full_name": "Dev User"}),
        )
        .await;
    let user = expect_status(registered, 201).await;
    assert_eq!(user["username"], "dev_user");
    assert_eq!(user["full_name"], "Dev User");
    assert_eq!(user["is_verified"], false);
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());

    for login in [
        json!({"username": "dev_user", "password": "S3cure!pass"}),
        json!({"email": "dev@example.com", "password": "S3cure!pass"}),
    ] {
        let token = expect_status(app.post("/auth/login", &login).await, 200).await;
        assert_eq!(token["token_type"], "bearer");
        assert_eq!(token["expires_in"], 1800);
        let me = app
            .session(token["access_token"].as_str().unwrap())
            .get("/auth/me")
            .await;
        assert_eq!(expect_status(me, 200).await["username"], "dev_user");
    }
    let weak = json!({"email": "weak@example.com", "username": "weak", "password": "password1"});
    expect_problem(
        app.post("/auth/register", &weak).await,
        422,
        "validation_failed",
    )
    .await;
}

async fn an_event_with_only_the_required_fields_is_created_with_unlimited_seats(app: TestApp) {
    expect_problem(
        app.post("/events", &required_only("Rust Summit")).await,
        401,
        "authentication_required",
    )
    .await;
    let created = app
        .organizer()
        .post("/events", &required_only("Rust Summit"))
        .await;
    let event = expect_status(created, 201).await;
    assert_eq!(event["title"], "Rust Summit");
    assert_eq!(event["location"], "Pune");
    assert_eq!(event["created_by"], "organizer");
    assert_eq!(event["status"], "scheduled");
    assert!(event["capacity"].is_null() && event["seats_available"].is_null());

    let id = event["id"].as_i64().unwrap();
    for n in 0..3 {
        expect_status(app.book(id, &format!("p{n}@example.com")).await, 201).await;
    }
    let read = expect_status(app.get(&format!("/events/{id}")).await, 200).await;
    assert_eq!(read["seats_booked"], 3);
    assert!(read["seats_available"].is_null());
}

async fn the_optional_fields_are_accepted_and_returned(app: TestApp) {
    let mut body = required_only("Rust Summit");
    body["tags"] = json!(["rust", "conference"]);
    body["max_attendees"] = json!(250);
    body["status"] = json!("scheduled");
    body["attachment_url"] = json!("https://example.com/agenda.pdf");
    body["coordinates"] = json!({"type": "Point", "coordinates": [73.8567, 18.5204]});
    let event = expect_status(app.organizer().post("/events", &body).await, 201).await;
    assert_eq!(event["tags"], json!(["conference", "rust"]));
    assert_eq!(event["capacity"], 250);
    assert_eq!(event["attachment_url"], "https://example.com/agenda.pdf");
    assert_eq!(
        event["coordinates"]["coordinates"],
        json!([73.8567, 18.5204])
    );

    let canceled = app
        .organizer()
        .patch(
            &format!("/events/{}", event["id"]),
            &json!({"status": "canceled"}),
        )
        .await;
    assert_eq!(expect_status(canceled, 200).await["status"], "canceled");
}

async fn refused_field(app: &TestApp, body: &Value) -> String {
    let problem = expect_problem(
        app.organizer().post("/events", body).await,
        422,
        "validation_failed",
    )
    .await;
    problem["errors"][0]["field"].as_str().unwrap().to_owned()
}

async fn every_validation_rule_holds_at_its_boundary(app: TestApp) {
    let with = |field: &str, value: Value| {
        let mut body = required_only("Rust Summit");
        body[field] = value;
        body
    };
    assert_eq!(
        refused_field(&app, &with("title", json!(""))).await,
        "title"
    );
    assert_eq!(
        refused_field(&app, &with("title", json!("   "))).await,
        "title"
    );
    assert_eq!(
        refused_field(&app, &with("title", json!("x".repeat(101)))).await,
        "title"
    );
    expect_status(
        app.organizer()
            .post("/events", &with("title", json!("x".repeat(100))))
            .await,
        201,
    )
    .await;
    assert_eq!(
        refused_field(&app, &with("location", json!("  "))).await,
        "location"
    );
    let same_time = with("end_time", json!(format!("{}-02-01T09:00:00", year())));
    assert_eq!(refused_field(&app, &same_time).await, "end_time");
    let past = with("start_time", json!("2020-02-01T09:00:00"));
    assert_eq!(refused_field(&app, &past).await, "start_time");
}

async fn payload(client: &mut WsClient, kind: &str) -> Value {
    loop {
        let frame = client.next_json().await;
        if frame["notification_type"] == kind {
            return frame;
        }
    }
}

fn assert_printed_shape(frame: &Value, kind: &str, id: &Value, title: &str, user: &str) {
    let action = kind.trim_start_matches("event.");
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(frame), ["event", "notification_type", "type", "user"]);
    assert_eq!(
        keys(&frame["event"]),
        ["action", "id", "timestamp", "title"]
    );
    assert_eq!(frame["type"], "notification");
    assert_eq!(frame["notification_type"], kind);
    assert_eq!(frame["event"]["id"], id.to_string());
    assert_eq!(frame["event"]["title"], title);
    assert_eq!(frame["event"]["action"], action);
    assert_eq!(frame["user"], user);
    let timestamp = frame["event"]["timestamp"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(timestamp).is_ok());
}

async fn websocket_payloads_follow_the_printed_structure_and_recipients(app: TestApp) {
    let (subscriber, bystander) = (app.sign_up("sam").await, app.sign_up("bea").await);
    let mut creator = app.ws(Some(&app.organizer_token)).await;
    let mut follower = app.ws(Some(&subscriber)).await;
    let mut other = app.ws(Some(&bystander)).await;

    let event = expect_status(
        app.organizer()
            .post("/events", &required_only("Rust Summit"))
            .await,
        201,
    )
    .await;
    let id = &event["id"];
    // All users hear of a new event.
    for client in [&mut creator, &mut follower, &mut other] {
        let frame = payload(client, "event.created").await;
        assert_printed_shape(&frame, "event.created", id, "Rust Summit", "organizer");
    }
    assert_eq!(
        follower.command("subscribe", id.as_i64().unwrap()).await["type"],
        "ack"
    );

    let path = format!("/events/{id}");
    expect_status(
        app.organizer()
            .put(&path, &json!({"title": "Rust Summit 2"}))
            .await,
        200,
    )
    .await;
    // Only subscribers and the creator hear of updates and deletions.
    for client in [&mut creator, &mut follower] {
        let frame = payload(client, "event.updated").await;
        assert_printed_shape(&frame, "event.updated", id, "Rust Summit 2", "organizer");
    }
    expect_status(app.organizer().delete(&path).await, 204).await;
    for client in [&mut creator, &mut follower] {
        let frame = payload(client, "event.deleted").await;
        assert_printed_shape(&frame, "event.deleted", id, "Rust Summit 2", "organizer");
    }
    other.expect_silence(QUIET).await;
}
