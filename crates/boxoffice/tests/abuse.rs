//! Abuse that once slipped through: undecodable idempotency keys, oversized forms and
//! headers, bad tokens on public endpoints, tokens of deleted or demoted users, and
//! strangers probing whether an address holds a seat.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use boxoffice_testkit::{
    Backend, JWT_SECRET, TestApp, expect_problem, expect_status, on_both_databases,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::{Value, json};
use sqlx::Connection;

on_both_databases!(
    an_idempotency_key_that_is_not_text_is_a_400_and_books_nothing,
    an_oversized_token_form_is_a_413,
    oversized_headers_get_a_problem_json_431,
    too_many_headers_get_a_problem_json_431,
    a_bad_token_is_refused_on_public_endpoints_too,
    a_deleted_users_token_stops_working_and_a_new_role_applies_at_once,
    a_full_event_does_not_tell_strangers_whether_an_address_holds_a_seat,
);

/// Runs one SQL statement on the test database, as an operator would.
async fn sql(app: &TestApp, statement: &str) {
    match app.backend {
        Backend::Sqlite => {
            let mut db = sqlx::SqliteConnection::connect(&app.database.url)
                .await
                .unwrap();
            sqlx::query(statement).execute(&mut db).await.unwrap();
        }
        Backend::Postgres => {
            let mut db = sqlx::PgConnection::connect(&app.database.url)
                .await
                .unwrap();
            sqlx::query(statement).execute(&mut db).await.unwrap();
        }
    }
}

async fn an_idempotency_key_that_is_not_text_is_a_400_and_books_nothing(app: TestApp) {
    let event = app.create_event(5).await;
    for _ in 0..2 {
        let response = app
            .request(Method::POST, &format!("/events/{event}/book"))
            .header(
                "Idempotency-Key",
                HeaderValue::from_bytes(b"key-\xff\xfe").unwrap(),
            )
            .json(&json!({"name": "Ann", "email": "ann@example.com"}))
            .send()
            .await
            .unwrap();
        expect_problem(response, 400, "invalid_idempotency_key").await;
    }
    assert_eq!(app.seats(event).await, (0, 5));
}

async fn an_oversized_token_form_is_a_413(app: TestApp) {
    let padding = "x".repeat(70 * 1024);
    let response = app
        .request(Method::POST, "/auth/token")
        .form(&[
            ("username", "organizer"),
            ("password", "Str0ng!pass"),
            ("scope", &padding),
        ])
        .send()
        .await
        .unwrap();
    expect_problem(response, 413, "payload_too_large").await;
    let json_body = app
        .request(Method::POST, "/auth/token")
        .json(&json!({"username": "organizer", "password": "Str0ng!pass"}))
        .send()
        .await
        .unwrap();
    expect_problem(json_body, 415, "unsupported_media_type").await;
}

async fn oversized_headers_get_a_problem_json_431(app: TestApp) {
    let response = app
        .request(Method::GET, "/events")
        .header("X-Padding", "x".repeat(40 * 1024))
        .send()
        .await
        .unwrap();
    expect_problem(response, 431, "headers_too_large").await;
    let fine = app
        .request(Method::GET, "/events")
        .header("X-Padding", "x".repeat(8 * 1024))
        .send()
        .await
        .unwrap();
    expect_status(fine, 200).await;
}

/// A GET of `/events` carrying `extra` more header fields.
async fn with_headers(app: &TestApp, extra: usize) -> reqwest::Response {
    let mut request = app.request(Method::GET, "/events");
    for i in 0..extra {
        request = request.header(format!("x-extra-{i}"), "v");
    }
    request.send().await.unwrap()
}

async fn too_many_headers_get_a_problem_json_431(app: TestApp) {
    // 101 is one past the default limit; 500 is past the HTTP parser's default of 100,
    // which used to answer a bodiless 431.
    for extra in [101, 500] {
        let response = with_headers(&app, extra).await;
        expect_problem(response, 431, "too_many_headers").await;
    }
    expect_status(with_headers(&app, 90).await, 200).await;
}

fn forged(sub: &str, role: &str, secret: &str, expires_in: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": sub, "username": "mallory", "role": role, "iss": "boxoffice", "iat": now, "exp": now + expires_in});
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn user_id_of(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sub"].as_str().unwrap().to_owned()
}

async fn a_bad_token_is_refused_on_public_endpoints_too(app: TestApp) {
    let event = app.create_event(5).await;
    let id = user_id_of(&app.organizer_token);
    let bad = [
        (
            "expired",
            forged(&id, "user", JWT_SECRET, -3600),
            "token_expired",
        ),
        (
            "forged",
            forged(
                &id,
                "admin",
                "another-secret-another-secret-another-secret",
                600,
            ),
            "invalid_token",
        ),
        ("garbage", "not.a.jwt".to_owned(), "invalid_token"),
    ];
    let person = json!({"name": "Ann", "email": "ann@example.com"});
    for (kind, token, code) in bad {
        let session = app.session(&token);
        for response in [
            session.get("/events").await,
            session.get(&format!("/events/{event}")).await,
            session
                .post(&format!("/events/{event}/book"), &person)
                .await,
            session.post("/attendees", &person).await,
        ] {
            assert_eq!(response.status(), 401, "{kind}");
            expect_problem(response, 401, code).await;
        }
    }
    assert_eq!(app.seats(event).await, (0, 5), "nothing was booked");
    expect_status(app.get("/events").await, 200).await;
    expect_status(app.organizer().get("/events").await, 200).await;
    expect_status(app.get("/healthz").await, 200).await;
}

async fn a_deleted_users_token_stops_working_and_a_new_role_applies_at_once(app: TestApp) {
    let token = app.sign_up("dora").await;
    let dora = app.session(&token);
    expect_problem(dora.get("/attendees").await, 403, "forbidden").await;

    sql(
        &app,
        "UPDATE users SET role = 'admin' WHERE username = 'dora'",
    )
    .await;
    expect_status(dora.get("/attendees").await, 200).await;
    assert_eq!(
        expect_status(dora.get("/auth/me").await, 200).await["role"],
        "admin"
    );
    sql(
        &app,
        "UPDATE users SET role = 'user' WHERE username = 'dora'",
    )
    .await;
    expect_problem(dora.get("/attendees").await, 403, "forbidden").await;

    sql(&app, "DELETE FROM users WHERE username = 'dora'").await;
    expect_problem(dora.get("/auth/me").await, 401, "invalid_token").await;
    expect_problem(dora.get("/events").await, 401, "invalid_token").await;
    let event = app.create_event(5).await;
    let create = dora
        .post("/events", &boxoffice_testkit::event_body("Ghost", 5))
        .await;
    expect_problem(create, 401, "invalid_token").await;
    let ws = dora.get(&format!("/ws?token={token}")).await;
    expect_problem(ws, 401, "invalid_token").await;
    assert_eq!(app.seats(event).await, (0, 5));
}

async fn a_full_event_does_not_tell_strangers_whether_an_address_holds_a_seat(app: TestApp) {
    let event = app.create_event(2).await;
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.com"}),
        )
        .await,
        201,
    )
    .await;
    expect_status(app.book(event, "ann@example.com").await, 201).await;
    // While seats remain, a repeat is refused as such (the contract's already_booked).
    expect_problem(
        app.book(event, "ann@example.com").await,
        400,
        "already_booked",
    )
    .await;
    expect_status(app.book(event, "bob@example.com").await, 201).await;

    // Full: a stranger typing either address hears the same thing.
    expect_problem(app.book(event, "ann@example.com").await, 400, "event_full").await;
    expect_problem(app.book(event, "carl@example.com").await, 400, "event_full").await;

    // Ann herself, proving who she is, still learns that she holds a seat.
    let own = app
        .request(Method::POST, "/bookings")
        .header("X-Attendee-Token", ann["token"].as_str().unwrap())
        .json(&json!({"event_id": event, "attendee_id": ann["id"]}))
        .send()
        .await
        .unwrap();
    expect_problem(own, 400, "already_booked").await;
}
