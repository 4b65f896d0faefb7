//! Registration and sign-in: username and password rules, conflicts, login.

use super::*;

on_both_databases!(
    registration_applies_the_username_and_password_rules_at_their_boundaries,
    taken_email_or_username_is_a_409_whatever_the_case,
    login_works_by_username_or_email_and_fails_alike_for_unknown_users,
);

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
