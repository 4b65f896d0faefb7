//! Attendees over HTTP: registration, self-service with the attendee token, erasure.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    registering_returns_a_one_time_token,
    an_email_registers_once_whatever_its_case,
    attendees_manage_their_own_record_with_their_token,
    erasing_an_attendee_frees_their_seats,
    attendees_are_listed_with_pagination,
);

async fn register(app: &TestApp, name: &str, email: &str) -> Value {
    expect_status(
        app.post(
            "/attendees",
            &json!({"name": name, "email": email, "phone": "+91 98765 43210", "locale": "en_in"}),
        )
        .await,
        201,
    )
    .await
}

fn with_token(app: &TestApp, method: Method, path: &str, token: &Value) -> reqwest::RequestBuilder {
    app.request(method, path)
        .header("X-Attendee-Token", token.as_str().unwrap())
}

async fn registering_returns_a_one_time_token(app: TestApp) {
    let ann = register(&app, "Ann Lee", "Ann@Example.com").await;
    assert_eq!(
        (ann["name"].as_str(), ann["email"].as_str()),
        (Some("Ann Lee"), Some("Ann@Example.com"))
    );
    assert_eq!(
        (ann["phone"].as_str(), ann["locale"].as_str()),
        (Some("+919876543210"), Some("en-IN"))
    );
    assert!(ann["token"].as_str().is_some_and(|t| t.len() >= 40));
    let fetched = expect_status(
        with_token(
            &app,
            Method::GET,
            &format!("/attendees/{}", ann["id"]),
            &ann["token"],
        )
        .send()
        .await
        .unwrap(),
        200,
    )
    .await;
    assert!(fetched.get("token").is_none());
    let bad = expect_problem(
        app.post(
            "/attendees",
            &json!({"name": "", "email": "x", "phone": "123", "locale": "klingon"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(bad["errors"].as_array().unwrap().len(), 4);
}

async fn an_email_registers_once_whatever_its_case(app: TestApp) {
    register(&app, "Ann", "ann@example.com").await;
    expect_problem(
        app.post(
            "/attendees",
            &json!({"name": "Ann again", "email": "ANN@example.com"}),
        )
        .await,
        409,
        "email_taken",
    )
    .await;
}

async fn attendees_manage_their_own_record_with_their_token(app: TestApp) {
    let ann = register(&app, "Ann", "ann@example.com").await;
    let bob = register(&app, "Bob", "bob@example.com").await;
    let path = format!("/attendees/{}", ann["id"]);

    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    expect_problem(
        app.request(Method::GET, &path)
            .header("X-Attendee-Token", "forged")
            .send()
            .await
            .unwrap(),
        401,
        "authentication_required",
    )
    .await;
    // Bob's token cannot tell Ann's record from a missing one.
    for (method, path) in [
        (Method::GET, path.as_str()),
        (Method::GET, "/attendees/99999"),
        (Method::DELETE, path.as_str()),
    ] {
        let response = with_token(&app, method, path, &bob["token"])
            .send()
            .await
            .unwrap();
        expect_problem(response, 404, "attendee_not_found").await;
    }

    let changed = with_token(&app, Method::PATCH, &path, &ann["token"])
        .json(&json!({"name": "Ann Lee", "phone": null}))
        .send()
        .await
        .unwrap();
    let changed = expect_status(changed, 200).await;
    assert_eq!(
        (changed["name"].as_str(), changed["phone"].as_str()),
        (Some("Ann Lee"), None)
    );
    let taken = with_token(&app, Method::PATCH, &path, &ann["token"])
        .json(&json!({"email": "BOB@example.com"}))
        .send()
        .await
        .unwrap();
    expect_problem(taken, 409, "email_taken").await;
    let invalid = with_token(&app, Method::PATCH, &path, &ann["token"])
        .json(&json!({"email": "not-an-address"}))
        .send()
        .await
        .unwrap();
    expect_problem(invalid, 422, "validation_failed").await;
}

async fn erasing_an_attendee_frees_their_seats(app: TestApp) {
    let event = app.create_event(2).await;
    let ann = register(&app, "Ann", "ann@example.com").await;
    expect_status(app.book(event, "ann@example.com").await, 201).await;
    expect_status(app.book(event, "bob@example.com").await, 201).await;
    assert_eq!(app.seats(event).await, (2, 0));
    let path = format!("/attendees/{}", ann["id"]);
    expect_status(
        with_token(&app, Method::DELETE, &path, &ann["token"])
            .send()
            .await
            .unwrap(),
        204,
    )
    .await;
    assert_eq!(app.seats(event).await, (1, 1));
    // The token died with the record.
    expect_problem(
        with_token(&app, Method::GET, &path, &ann["token"])
            .send()
            .await
            .unwrap(),
        401,
        "authentication_required",
    )
    .await;
    expect_status(app.book(event, "carol@example.com").await, 201).await;
}

async fn attendees_are_listed_with_pagination(app: TestApp) {
    for n in 0..3 {
        register(&app, &format!("Person {n}"), &format!("p{n}@example.com")).await;
    }
    let admin = app.admin_token().await;
    let page = expect_status(
        app.session(&admin)
            .get("/attendees?page=2&page_size=2")
            .await,
        200,
    )
    .await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["email"], "p2@example.com");
}
