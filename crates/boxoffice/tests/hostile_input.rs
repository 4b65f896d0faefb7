//! Hostile input: NUL and other control characters in every text field and text query
//! parameter are a 422 on both databases, never a 500, and never stored.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, event_body, expect_problem, expect_status, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    nul_in_any_booking_or_attendee_field_is_a_422,
    nul_in_any_account_field_is_a_422,
    nul_in_any_event_field_is_a_422,
    nul_and_control_characters_in_text_query_parameters_are_a_422,
    descriptions_keep_line_breaks_but_titles_refuse_every_control_character,
    a_nul_that_slips_past_validation_is_refused_by_the_store_not_a_500,
);

const NUL: &str = "a\u{0}b";

/// `body` with `field` replaced by `value`.
fn with(body: &Value, field: &str, value: Value) -> Value {
    let mut body = body.clone();
    body[field] = value;
    body
}

/// Asserts a 422 `validation_failed` that names `field`.
async fn refused(response: reqwest::Response, field: &str) {
    let body = expect_problem(response, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&field), "{field} not in {body}");
}

async fn nul_in_any_booking_or_attendee_field_is_a_422(app: TestApp) {
    let event = app.create_event(5).await;
    let person = json!({"name": "Ann", "email": "ann@example.com", "phone": "+91 98765 43210", "locale": "en"});
    for field in ["name", "email", "phone", "locale"] {
        let bad = with(&person, field, json!(NUL));
        for path in [
            format!("/events/{event}/book"),
            format!("/events/{event}/register"),
            "/attendees".to_owned(),
        ] {
            refused(app.post(&path, &bad).await, field).await;
        }
    }
    assert_eq!(app.seats(event).await, (0, 5));

    let ann = expect_status(app.post("/attendees", &person).await, 201).await;
    for field in ["name", "email", "phone", "locale"] {
        let patch = app
            .request(Method::PATCH, &format!("/attendees/{}", ann["id"]))
            .header("X-Attendee-Token", ann["token"].as_str().unwrap())
            .json(&json!({ field: NUL }))
            .send()
            .await
            .unwrap();
        refused(patch, field).await;
    }
}

async fn nul_in_any_account_field_is_a_422(app: TestApp) {
    let account = json!({"email": "dan@example.com", "username": "dan", "password": "Str0ng!pass", "full_name": "Dan"});
    for field in ["email", "username", "password", "full_name"] {
        let bad = with(&account, field, json!(NUL));
        refused(app.post("/auth/register", &bad).await, field).await;
    }
    let login = json!({"username": "organizer", "password": "Str0ng!pass"});
    for field in ["username", "password"] {
        let bad = with(&login, field, json!(NUL));
        refused(app.post("/auth/login", &bad).await, field).await;
    }
    let by_email = json!({"email": "organizer\u{0}@example.com", "password": "Str0ng!pass"});
    refused(app.post("/auth/login", &by_email).await, "username").await;
    let form = app
        .request(Method::POST, "/auth/token")
        .form(&[("username", NUL), ("password", "Str0ng!pass")])
        .send()
        .await
        .unwrap();
    refused(form, "username").await;
}

async fn nul_in_any_event_field_is_a_422(app: TestApp) {
    let body = event_body("Hostile", 5);
    for field in [
        "title",
        "description",
        "location",
        "country",
        "timezone",
        "start_time",
        "attachment_url",
    ] {
        let bad = with(&body, field, json!(NUL));
        let response = app.organizer().post("/events", &bad).await;
        assert_eq!(response.status(), 422, "{field}");
        refused(response, field).await;
    }
    let tagged = with(&body, "tags", json!(["ok", NUL]));
    refused(app.organizer().post("/events", &tagged).await, "tags").await;

    let event = app.create_event(5).await;
    for field in [
        "title",
        "description",
        "location",
        "country",
        "attachment_url",
    ] {
        let response = app
            .organizer()
            .patch(&format!("/events/{event}"), &json!({ field: NUL }))
            .await;
        refused(response, field).await;
    }
    let listed = expect_status(app.get("/events?when=all").await, 200).await;
    assert_eq!(listed["total"], 1, "nothing hostile was stored");
}

async fn nul_and_control_characters_in_text_query_parameters_are_a_422(app: TestApp) {
    for (parameter, value) in [
        ("q", "%00"),
        ("q", "rust%00meetup"),
        ("q", "%1B%5B31m"),
        ("tag", "ru%00st"),
        ("country", "F%00R"),
        ("when", "all%00"),
        ("sort", "title%00"),
        ("status", "scheduled%00"),
        ("from", "2027-01-01%00"),
    ] {
        let response = app.get(&format!("/events?{parameter}={value}")).await;
        assert_eq!(response.status(), 422, "{parameter}={value}");
        refused(response, parameter).await;
    }
    let zone = app.get("/events?tz=Europe/Paris%00").await;
    expect_problem(zone, 400, "invalid_timezone").await;
    let long = "q".repeat(201);
    refused(app.get(&format!("/events?q={long}")).await, "q").await;
    expect_status(app.get("/events?q=Test%20event").await, 200).await;
}

async fn descriptions_keep_line_breaks_but_titles_refuse_every_control_character(app: TestApp) {
    let body = with(
        &event_body("Lines", 5),
        "description",
        json!("first line\nsecond line\ttabbed"),
    );
    let created = expect_status(app.organizer().post("/events", &body).await, 201).await;
    assert_eq!(created["description"], "first line\nsecond line\ttabbed");
    for control in ["\n", "\u{1b}", "\u{7f}", "\u{85}"] {
        let bad = with(&body, "title", json!(format!("Bad{control}title")));
        refused(app.organizer().post("/events", &bad).await, "title").await;
    }
}

/// Domain types cannot hold a NUL, so the store is reached directly with raw text.
async fn a_nul_that_slips_past_validation_is_refused_by_the_store_not_a_500(app: TestApp) {
    use boxoffice_store::StoreError;
    match app.store.user_for_login(NUL).await {
        Err(StoreError::InvalidText) => {
            assert_eq!(app.backend, boxoffice_testkit::Backend::Postgres)
        }
        Ok(None) => assert_eq!(app.backend, boxoffice_testkit::Backend::Sqlite),
        other => panic!("unexpected {other:?}"),
    }
    let answer = boxoffice_http::error::ApiError::from(StoreError::InvalidText);
    assert_eq!(answer.status(), 422);
    assert_eq!(answer.code(), "invalid_text");
}
