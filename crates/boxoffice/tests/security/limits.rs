//! Rate limits, proxies, CORS and headers do not depend on the database: SQLite suffices.

use super::*;

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
