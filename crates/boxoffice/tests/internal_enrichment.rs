//! `POST /internal/enrichment`: what a notification process running apart asks the event
//! service. Only a service token signed with the deployment's secret opens it; users,
//! admins included, and anonymous callers are refused, and a service token opens nothing else.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_notify::service_token::ServiceTokens;
use boxoffice_testkit::{
    Backend, JWT_SECRET, Options, TestApp, expect_problem, expect_status, on_both_databases,
};
use reqwest::Response;
use serde_json::{Value, json};

on_both_databases!(
    anonymous_callers_users_and_admins_are_refused,
    a_service_token_is_no_access_token,
    a_booking_is_answered_with_its_people_in_their_languages,
    a_vanished_event_is_nobody_to_tell,
);

const PATH: &str = "/internal/enrichment";

fn service_token(secret: &str) -> String {
    let secret = secret.as_bytes().to_vec().into();
    ServiceTokens::new(&secret).sign("notifications").unwrap()
}

fn booking_query(event: i64, booking: Option<i64>, owner: i64) -> Value {
    json!({"kind": "booking.created", "event_id": event, "event_title": "Test event",
        "booking_id": booking, "owner_id": owner, "farewell": null})
}

async fn organizer_id(app: &TestApp) -> i64 {
    let me = expect_status(app.organizer().get("/auth/me").await, 200).await;
    me["id"].as_i64().unwrap()
}

async fn ask(app: &TestApp, token: Option<&str>, query: &Value) -> Response {
    let request = app.request(reqwest::Method::POST, PATH).json(query);
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
    .send()
    .await
    .unwrap()
}

async fn anonymous_callers_users_and_admins_are_refused(app: TestApp) {
    let event = app.create_event(5).await;
    let query = booking_query(event, None, organizer_id(&app).await);
    let anonymous = ask(&app, None, &query).await;
    expect_problem(anonymous, 401, "authentication_required").await;
    let organizer = ask(&app, Some(&app.organizer_token), &query).await;
    expect_problem(organizer, 403, "forbidden").await;
    let admin = app.admin_token().await;
    expect_problem(ask(&app, Some(&admin), &query).await, 403, "forbidden").await;
    // Signed with another secret: not one of this deployment's services.
    let stranger = service_token("another-secret-another-secret-0123456789");
    expect_problem(
        ask(&app, Some(&stranger), &query).await,
        401,
        "invalid_token",
    )
    .await;
    expect_problem(
        ask(&app, Some("not-a-jwt"), &query).await,
        401,
        "invalid_token",
    )
    .await;
}

async fn a_service_token_is_no_access_token(app: TestApp) {
    let token = service_token(JWT_SECRET);
    let me = app.session(&token).get("/auth/me").await;
    expect_problem(me, 401, "invalid_token").await;
}

async fn a_booking_is_answered_with_its_people_in_their_languages(app: TestApp) {
    let event = app.create_event(5).await;
    let seat = json!({"name": "Amélie", "email": "amelie@example.test", "locale": "fr-CA"});
    let booked = app.post(&format!("/events/{event}/book"), &seat).await;
    let booking = expect_status(booked, 201).await["id"].as_i64().unwrap();
    let token = service_token(JWT_SECRET);
    let owner = organizer_id(&app).await;
    let query = booking_query(event, Some(booking), owner);
    let facts = expect_status(ask(&app, Some(&token), &query).await, 200).await;
    assert_eq!(facts["event"]["id"], event);
    assert_eq!(facts["event"]["zone"], "Asia/Kolkata");
    let booker = &facts["booker"];
    assert_eq!(booker["booking_id"], booking);
    assert_eq!(booker["person"]["name"], "Amélie");
    assert_eq!(booker["person"]["locale"], "fr-CA");
    assert_eq!(
        booker["person"]["channels"],
        json!({"websocket": true, "email": true, "push": true})
    );
    assert_eq!(facts["organizer"]["user_id"], owner);
    assert_eq!(facts["attendees"], json!([]));
}

async fn a_vanished_event_is_nobody_to_tell(app: TestApp) {
    let token = service_token(JWT_SECRET);
    let gone = ask(&app, Some(&token), &booking_query(999_999, None, 1)).await;
    expect_problem(gone, 404, "event_not_found").await;
    let bad = ask(&app, Some(&token), &json!({"kind": "event.vanished"})).await;
    let problem = expect_problem(bad, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "kind", "{problem}");
}

/// A notification host asks once per notice: the per-address limit must not throttle it,
/// while the same address without a service token is limited as usual.
#[tokio::test]
async fn service_calls_are_not_rate_limited() {
    let app = TestApp::start_with(
        Backend::Sqlite,
        Options {
            rate_limit_per_second: Some(10),
            ..Options::default()
        },
    )
    .await;
    let event = app.create_event(5).await;
    let query = booking_query(event, None, organizer_id(&app).await);
    let token = service_token(JWT_SECRET);
    for _ in 0..40 {
        expect_status(ask(&app, Some(&token), &query).await, 200).await;
    }
    let mut anonymous = Vec::new();
    for _ in 0..30 {
        anonymous.push(ask(&app, None, &query).await.status().as_u16());
    }
    assert!(anonymous.contains(&429), "{anonymous:?}");
}
