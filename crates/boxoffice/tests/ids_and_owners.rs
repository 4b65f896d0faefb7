//! Ids are never handed out twice; `owner=me` lists the caller's own events.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, event_body, expect_problem, expect_status, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    a_deleted_events_id_is_not_given_to_the_next_event,
    deleted_attendees_and_bookings_ids_are_not_reused,
    owner_me_lists_the_callers_own_events_in_any_status,
    owner_me_needs_a_signed_in_caller_and_no_other_value_is_accepted,
);

async fn create(app: &TestApp, token: &str, title: &str) -> i64 {
    let response = app
        .session(token)
        .post("/events", &event_body(title, 5))
        .await;
    expect_status(response, 201).await["id"].as_i64().unwrap()
}

async fn a_deleted_events_id_is_not_given_to_the_next_event(app: TestApp) {
    let token = app.organizer_token.clone();
    let first = create(&app, &token, "First").await;
    let newest = create(&app, &token, "Newest").await;
    assert!(newest > first);
    expect_status(
        app.organizer().delete(&format!("/events/{newest}")).await,
        204,
    )
    .await;
    let next = create(&app, &token, "Next").await;
    assert!(next > newest, "id {next} after deleting {newest}");
    expect_problem(
        app.get(&format!("/events/{newest}")).await,
        404,
        "event_not_found",
    )
    .await;
}

async fn deleted_attendees_and_bookings_ids_are_not_reused(app: TestApp) {
    let event = app.create_event(5).await;
    let booking = expect_status(app.book(event, "first@example.com").await, 201).await;
    let (booking_id, attendee_id) = (
        booking["id"].as_i64().unwrap(),
        booking["attendee"]["id"].as_i64().unwrap(),
    );
    let admin = app.admin_token().await;
    let erase = app
        .session(&admin)
        .delete(&format!("/attendees/{attendee_id}"))
        .await;
    expect_status(erase, 204).await;
    let again = expect_status(app.book(event, "second@example.com").await, 201).await;
    assert!(again["id"].as_i64().unwrap() > booking_id, "{again}");
    assert!(
        again["attendee"]["id"].as_i64().unwrap() > attendee_id,
        "{again}"
    );
}

fn titles(page: &Value) -> Vec<&str> {
    let mut titles: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    titles.sort_unstable();
    titles
}

async fn owner_me_lists_the_callers_own_events_in_any_status(app: TestApp) {
    let mine = app.organizer_token.clone();
    let theirs = app.sign_up("someone_else").await;
    let kept = create(&app, &mine, "Mine scheduled").await;
    let canceled = create(&app, &mine, "Mine canceled").await;
    create(&app, &theirs, "Theirs").await;
    let cancel = json!({"status": "canceled"});
    expect_status(
        app.organizer()
            .patch(&format!("/events/{canceled}"), &cancel)
            .await,
        200,
    )
    .await;
    let own = expect_status(app.organizer().get("/events?owner=me").await, 200).await;
    assert_eq!(own["total"], 2);
    assert_eq!(titles(&own), ["Mine canceled", "Mine scheduled"]);
    let filtered = expect_status(
        app.organizer()
            .get("/events/?owner=me&status=scheduled")
            .await,
        200,
    )
    .await;
    assert_eq!(filtered["items"][0]["id"], kept);
    assert_eq!(filtered["total"], 1);
    let others = expect_status(app.session(&theirs).get("/events?owner=me").await, 200).await;
    assert_eq!(titles(&others), ["Theirs"]);
    let everyone = expect_status(app.get("/events").await, 200).await;
    assert_eq!(everyone["total"], 3);
}

async fn owner_me_needs_a_signed_in_caller_and_no_other_value_is_accepted(app: TestApp) {
    expect_problem(
        app.get("/events?owner=me").await,
        401,
        "authentication_required",
    )
    .await;
    let problem = expect_problem(
        app.organizer().get("/events?owner=organizer").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "owner");
    expect_problem(app.get("/events?owner=").await, 422, "validation_failed").await;
}
