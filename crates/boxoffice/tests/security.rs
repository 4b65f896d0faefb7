//! Accounts and the "who" column: every protected endpoint without a token, with an
//! expired, forged or foreign one, as another user, as the owner and as an admin.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use boxoffice_testkit::{
    Backend, JWT_SECRET, Options, PASSWORD, TestApp, event_body, expect_problem, expect_status,
    on_both_databases,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    registration_applies_the_username_and_password_rules_at_their_boundaries,
    taken_email_or_username_is_a_409_whatever_the_case,
    login_works_by_username_or_email_and_fails_alike_for_unknown_users,
    access_tokens_carry_id_username_and_role_and_last_thirty_minutes,
    expired_tampered_foreign_and_unsigned_tokens_are_refused,
    only_signed_in_users_create_events_and_they_own_them,
    only_the_owner_or_an_admin_changes_deletes_or_lists_attendees_of_an_event,
    attendee_records_belong_to_their_attendee_or_an_admin,
    bookings_are_seen_and_cancelled_by_holder_owner_or_admin_and_nobody_else,
    listing_all_bookings_and_attendees_is_for_admins,
    the_organizer_and_admins_book_for_any_attendee,
    swagger_ui_can_sign_in_with_the_oauth2_password_flow,
);

fn claims(sub: &str, role: &str, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "username": "mallory", "role": role, "iss": "boxoffice", "iat": now, "exp": now + exp_offset})
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// Tokens that must all be refused with 401.
fn bad_tokens(user_id: &str) -> Vec<(&'static str, String)> {
    let valid = sign(&claims(user_id, "admin", 600), JWT_SECRET);
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("999999");
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    let tampered = parts.join(".");
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!(
        "{none_header}.{}.",
        URL_SAFE_NO_PAD.encode(claims(user_id, "admin", 600).to_string())
    );
    vec![
        (
            "expired",
            sign(&claims(user_id, "admin", -3600), JWT_SECRET),
        ),
        ("tampered", tampered),
        (
            "wrong secret",
            sign(
                &claims(user_id, "admin", 600),
                "another-secret-another-secret-another-secret",
            ),
        ),
        ("alg none", unsigned),
        ("garbage", "not.a.jwt".to_owned()),
    ]
}

fn user_id_of(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sub"].as_str().unwrap().to_owned()
}

async fn register(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/auth/register", &body).await
}

async fn registration_applies_the_username_and_password_rules_at_their_boundaries(app: TestApp) {
    let ok = |username: String, password: &str| {
        let mailbox: String = username
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { 'x' })
            .collect();
        json!({"email": format!("{mailbox}@example.com"), "username": username, "password": password})
    };
    let user = expect_status(register(&app, ok("abc".into(), PASSWORD)).await, 201).await;
    assert_eq!(user["username"], "abc");
    assert_eq!(user["is_verified"], false);
    assert_eq!(user["role"], "user");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    expect_status(register(&app, ok("u".repeat(50), PASSWORD)).await, 201).await;
    expect_status(
        register(&app, ok("ann_lee_2".into(), "Aa1!aaaa")).await,
        201,
    )
    .await;

    let refused = |username: String, password: &'static str, field: &'static str| {
        let body = ok(username, password);
        let app = &app;
        async move {
            let problem = expect_problem(register(app, body).await, 422, "validation_failed").await;
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    };
    refused("ab".into(), PASSWORD, "username").await;
    refused("u".repeat(51), PASSWORD, "username").await;
    refused("ann-lee".into(), PASSWORD, "username").await;
    refused("ann lee".into(), PASSWORD, "username").await;
    refused("pw_short".into(), "Aa1!aaa", "password").await;
    refused("pw_upper".into(), "aa1!aaaa", "password").await;
    refused("pw_digit".into(), "Aaa!aaaa", "password").await;
    refused("pw_special".into(), "Aa1aaaaa", "password").await;
    let bad_email =
        json!({"email": "not-an-email", "username": "valid_name", "password": PASSWORD});
    let problem = expect_problem(register(&app, bad_email).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "email");
    let empty = expect_problem(register(&app, json!({})).await, 422, "validation_failed").await;
    assert_eq!(empty["errors"].as_array().unwrap().len(), 3);
}

async fn taken_email_or_username_is_a_409_whatever_the_case(app: TestApp) {
    expect_status(
        register(
            &app,
            json!({"email": "alice@example.com", "username": "alice", "password": PASSWORD}),
        )
        .await,
        201,
    )
    .await;
    let same_email =
        json!({"email": "ALICE@example.com", "username": "alice2", "password": PASSWORD});
    expect_problem(register(&app, same_email).await, 409, "email_taken").await;
    let same_name =
        json!({"email": "other@example.com", "username": "Alice", "password": PASSWORD});
    expect_problem(register(&app, same_name).await, 409, "username_taken").await;
}

async fn login_works_by_username_or_email_and_fails_alike_for_unknown_users(app: TestApp) {
    expect_status(register(&app, json!({"email": "bob@example.com", "username": "bob", "password": PASSWORD, "full_name": "Bob B"})).await, 201).await;
    for body in [
        json!({"username": "bob", "password": PASSWORD}),
        json!({"username": "BOB", "password": PASSWORD}),
        json!({"username": "bob@example.com", "password": PASSWORD}),
        json!({"email": "Bob@Example.com", "password": PASSWORD}),
    ] {
        let token = expect_status(app.post("/auth/login", &body).await, 200).await;
        assert_eq!(
            (token["token_type"].as_str(), token["expires_in"].as_i64()),
            (Some("bearer"), Some(1800))
        );
        let me = expect_status(
            app.session(token["access_token"].as_str().unwrap())
                .get("/auth/me")
                .await,
            200,
        )
        .await;
        assert_eq!(
            (me["username"].as_str(), me["full_name"].as_str()),
            (Some("bob"), Some("Bob B"))
        );
    }
    let wrong_password = expect_problem(
        app.post(
            "/auth/login",
            &json!({"username": "bob", "password": "Wr0ng!pass"}),
        )
        .await,
        401,
        "invalid_credentials",
    )
    .await;
    let unknown_user = expect_problem(
        app.post(
            "/auth/login",
            &json!({"username": "nobody", "password": PASSWORD}),
        )
        .await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        wrong_password, unknown_user,
        "the same answer whether or not the account exists"
    );
    expect_problem(
        app.post("/auth/login", &json!({"password": PASSWORD}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(app.get("/auth/me").await, 401, "authentication_required").await;
}

async fn access_tokens_carry_id_username_and_role_and_last_thirty_minutes(app: TestApp) {
    let token = app.sign_up("carol").await;
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let me = expect_status(app.session(&token).get("/auth/me").await, 200).await;
    assert_eq!(claims["sub"], me["id"].to_string());
    assert_eq!(
        (claims["username"].as_str(), claims["role"].as_str()),
        (Some("carol"), Some("user"))
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        1800
    );
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "HS256");
}

async fn expired_tampered_foreign_and_unsigned_tokens_are_refused(app: TestApp) {
    let id = user_id_of(&app.organizer_token);
    let event = app.create_event(5).await;
    for (kind, token) in bad_tokens(&id) {
        let me = app.session(&token).get("/auth/me").await;
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{kind}");
        assert!(me.headers().contains_key("www-authenticate"), "{kind}");
        let code = expect_status(me, 401).await["code"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            code,
            if kind == "expired" {
                "token_expired"
            } else {
                "invalid_token"
            },
            "{kind}"
        );
        let create = app
            .session(&token)
            .post("/events", &event_body("Nope", 5))
            .await;
        assert_eq!(create.status(), StatusCode::UNAUTHORIZED, "{kind}");
        let delete = app
            .session(&token)
            .delete(&format!("/events/{event}"))
            .await;
        assert_eq!(delete.status(), StatusCode::UNAUTHORIZED, "{kind}");
    }
    let wrong_scheme = app
        .request(Method::GET, "/auth/me")
        .header("Authorization", format!("Basic {}", app.organizer_token))
        .send()
        .await
        .unwrap();
    expect_problem(wrong_scheme, 401, "invalid_token").await;
    expect_status(app.get(&format!("/events/{event}")).await, 200).await;
}

async fn only_signed_in_users_create_events_and_they_own_them(app: TestApp) {
    expect_problem(
        app.post("/events", &event_body("Anonymous", 5)).await,
        401,
        "authentication_required",
    )
    .await;
    let created = expect_status(
        app.organizer()
            .post("/events", &event_body("Mine", 5))
            .await,
        201,
    )
    .await;
    assert_eq!(created["created_by"], "organizer");
}

async fn only_the_owner_or_an_admin_changes_deletes_or_lists_attendees_of_an_event(app: TestApp) {
    let event = app.create_event(5).await;
    let other = app.sign_up("other").await;
    let admin = app.admin_token().await;
    let path = format!("/events/{event}");
    let attendees = format!("/events/{event}/attendees");

    expect_problem(
        app.patch(&path, &json!({"title": "x"})).await,
        401,
        "authentication_required",
    )
    .await;
    expect_problem(
        app.request(Method::PUT, &path)
            .json(&json!({"title": "x"}))
            .send()
            .await
            .unwrap(),
        401,
        "authentication_required",
    )
    .await;
    expect_problem(app.delete(&path).await, 401, "authentication_required").await;
    expect_problem(app.get(&attendees).await, 401, "authentication_required").await;

    let stranger = app.session(&other);
    expect_problem(
        stranger.patch(&path, &json!({"title": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(
        stranger.put(&path, &json!({"title": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(stranger.delete(&path).await, 403, "forbidden").await;
    expect_problem(stranger.get(&attendees).await, 403, "forbidden").await;

    expect_status(
        app.organizer()
            .patch(&path, &json!({"title": "By owner"}))
            .await,
        200,
    )
    .await;
    expect_status(app.organizer().get(&attendees).await, 200).await;
    expect_status(
        app.session(&admin)
            .put(&path, &json!({"title": "By admin"}))
            .await,
        200,
    )
    .await;
    expect_status(app.session(&admin).get(&attendees).await, 200).await;
    expect_status(app.session(&admin).delete(&path).await, 204).await;
    let owned = app.create_event(5).await;
    expect_status(
        app.organizer().delete(&format!("/events/{owned}")).await,
        204,
    )
    .await;
}

async fn attendee_records_belong_to_their_attendee_or_an_admin(app: TestApp) {
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let path = format!("/attendees/{}", ann["id"]);
    let user = app.sign_up("nosy").await;
    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    expect_problem(app.session(&user).get(&path).await, 403, "forbidden").await;
    expect_problem(app.session(&user).delete(&path).await, 403, "forbidden").await;
    let admin = app.admin_token().await;
    expect_status(app.session(&admin).get(&path).await, 200).await;
    expect_status(
        app.session(&admin)
            .patch(&path, &json!({"name": "Ann L."}))
            .await,
        200,
    )
    .await;
    expect_status(app.session(&admin).delete(&path).await, 204).await;
}

async fn bookings_are_seen_and_cancelled_by_holder_owner_or_admin_and_nobody_else(app: TestApp) {
    let event = app.create_event(5).await;
    let booking = expect_status(app.book(event, "ann@example.com").await, 201).await;
    let path = format!("/bookings/{}", booking["id"]);
    let stranger = app.sign_up("stranger").await;
    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    // A signed-in stranger cannot tell this booking from a missing one.
    expect_problem(
        app.session(&stranger).get(&path).await,
        404,
        "booking_not_found",
    )
    .await;
    expect_problem(
        app.session(&stranger).get("/bookings/999999").await,
        404,
        "booking_not_found",
    )
    .await;
    expect_problem(
        app.session(&stranger).delete(&path).await,
        404,
        "booking_not_found",
    )
    .await;
    for (kind, token) in bad_tokens(&user_id_of(&app.organizer_token)) {
        assert_eq!(
            app.session(&token).get(&path).await.status(),
            StatusCode::UNAUTHORIZED,
            "{kind}"
        );
    }
    expect_status(app.organizer().get(&path).await, 200).await;
    let admin = app.admin_token().await;
    expect_status(app.session(&admin).get(&path).await, 200).await;
    assert_eq!(
        expect_status(app.organizer().delete(&path).await, 200).await["status"],
        "cancelled"
    );
    let second = expect_status(app.book(event, "bob@example.com").await, 201).await;
    expect_status(
        app.session(&admin)
            .delete(&format!("/bookings/{}", second["id"]))
            .await,
        200,
    )
    .await;
    assert_eq!(app.seats(event).await, (0, 5));
}

async fn listing_all_bookings_and_attendees_is_for_admins(app: TestApp) {
    let event = app.create_event(5).await;
    expect_status(app.book(event, "ann@example.com").await, 201).await;
    let user = app.sign_up("curious").await;
    for path in ["/bookings", "/attendees"] {
        expect_problem(app.get(path).await, 401, "authentication_required").await;
        expect_problem(app.session(&user).get(path).await, 403, "forbidden").await;
        expect_problem(app.organizer().get(path).await, 403, "forbidden").await;
    }
    let admin = app.admin_token().await;
    assert_eq!(
        expect_status(app.session(&admin).get("/bookings").await, 200).await["total"],
        1
    );
    assert_eq!(
        expect_status(app.session(&admin).get("/attendees").await, 200).await["total"],
        1
    );
}

async fn the_organizer_and_admins_book_for_any_attendee(app: TestApp) {
    let event = app.create_event(5).await;
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let body = json!({"event_id": event, "attendee_id": ann["id"]});
    // Another signed-in user is no one to book Ann; the event's organizer and an admin are.
    let stranger = app.sign_up("stranger").await;
    expect_problem(
        app.session(&stranger).post("/bookings", &body).await,
        403,
        "forbidden",
    )
    .await;
    expect_status(app.organizer().post("/bookings", &body).await, 201).await;
    let second = app.create_event(5).await;
    let body = json!({"event_id": second, "attendee_id": ann["id"]});
    let admin = app.admin_token().await;
    expect_status(app.session(&admin).post("/bookings", &body).await, 201).await;
}

async fn swagger_ui_can_sign_in_with_the_oauth2_password_flow(app: TestApp) {
    let spec = expect_status(app.get("/openapi.json").await, 200).await;
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(
        schemes["oauth2"]["flows"]["password"]["tokenUrl"],
        "/auth/token"
    );
    assert!(spec["paths"]["/events"]["post"]["security"].is_array());
    let form = app
        .request(Method::POST, "/auth/token")
        .form(&[
            ("grant_type", "password"),
            ("username", "organizer"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let token = expect_status(form, 200).await;
    expect_status(
        app.session(token["access_token"].as_str().unwrap())
            .get("/auth/me")
            .await,
        200,
    )
    .await;
    let wrong = app
        .request(Method::POST, "/auth/token")
        .form(&[("username", "organizer"), ("password", "nope")])
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 401, "invalid_credentials").await;
}

// Rate limits, proxies, CORS and headers do not depend on the database: SQLite suffices.

fn login_body() -> Value {
    json!({"username": "nobody", "password": PASSWORD})
}

#[tokio::test]
async fn the_sixth_login_attempt_in_a_minute_is_refused_with_retry_after() {
    let app = TestApp::start_with(
        Backend::Sqlite,
        Options {
            login_attempts_per_minute: 5,
            ..Options::default()
        },
    )
    .await;
    // The harness signed the organizer in once already: four more attempts fit.
    for _ in 0..4 {
        expect_problem(
            app.post("/auth/login", &login_body()).await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    let limited = app
        .request(Method::POST, "/auth/login")
        .header("X-Forwarded-For", "198.51.100.7")
        .json(&login_body())
        .send()
        .await
        .unwrap();
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    expect_problem(limited, 429, "rate_limited").await;
    // Correct credentials do not bypass the limit either.
    let good = app
        .post(
            "/auth/login",
            &json!({"username": "organizer", "password": PASSWORD}),
        )
        .await;
    expect_problem(good, 429, "rate_limited").await;
}

#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    let options = Options {
        login_attempts_per_minute: 2,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Options::default()
    };
    let app = TestApp::start_with(Backend::Sqlite, options).await;
    let attempt = |ip: &'static str| {
        app.request(Method::POST, "/auth/login")
            .header("X-Forwarded-For", ip)
            .json(&login_body())
            .send()
    };
    for _ in 0..2 {
        expect_problem(
            attempt("203.0.113.1").await.unwrap(),
            401,
            "invalid_credentials",
        )
        .await;
    }
    expect_problem(attempt("203.0.113.1").await.unwrap(), 429, "rate_limited").await;
    expect_problem(
        attempt("203.0.113.2").await.unwrap(),
        401,
        "invalid_credentials",
    )
    .await;
}

#[tokio::test]
async fn the_general_rate_limit_applies_per_address_when_configured() {
    let app = TestApp::start_with(
        Backend::Sqlite,
        Options {
            rate_limit_per_second: Some(3),
            ..Options::default()
        },
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(app.get("/events").await.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "health checks are exempt"
    );
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let app = TestApp::start_with(
        Backend::Sqlite,
        Options {
            cors_origins: vec!["https://app.example.com".into()],
            ..Options::default()
        },
    )
    .await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/events")
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://app.example.com").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let refused = preflight("https://evil.example.net").await.unwrap();
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = TestApp::start(Backend::Sqlite).await;
    let response = app.get("/events").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}

#[tokio::test]
async fn an_admin_made_on_the_command_line_can_sign_in_as_admin() {
    let database = boxoffice_testkit::TestDatabase::create(Backend::Sqlite).await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_boxoffice"))
        .args([
            "user",
            "create",
            "--admin",
            "--email",
            "root@example.com",
            "--username",
            "root",
            "--database-url",
            &database.url,
        ])
        .env("BOXOFFICE_PASSWORD", PASSWORD)
        .env("BCRYPT_COST", "4")
        .output()
        .expect("run boxoffice user create");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("created admin root"));
    let weak = std::process::Command::new(env!("CARGO_BIN_EXE_boxoffice"))
        .args([
            "user",
            "create",
            "--email",
            "weak@example.com",
            "--username",
            "weak",
            "--database-url",
            &database.url,
        ])
        .env("BOXOFFICE_PASSWORD", "weak")
        .output()
        .unwrap();
    assert!(!weak.status.success());

    let store = boxoffice_store::Store::connect(&database.url, 4)
        .await
        .unwrap();
    let (user, _) = store
        .user_for_login("root")
        .await
        .unwrap()
        .expect("the admin exists");
    assert_eq!(user.role, boxoffice_domain::Role::Admin);
    store.close().await;
}
