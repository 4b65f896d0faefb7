//! Who may register, see and change which endpoint, and what input is refused.

use super::*;

on_both!(
    endpoints_are_their_owners_and_admins_see_them_all,
    only_the_events_owner_registers_an_endpoint_for_it,
    bad_endpoints_are_refused_per_field,
    an_endpoint_is_changed_field_by_field,
);

async fn endpoints_are_their_owners_and_admins_see_them_all(app: TestApp) {
    let mine = expect_status(
        app.organizer()
            .post("/webhooks", &json!({"url": "https://hooks.example.com/a"}))
            .await,
        201,
    )
    .await;
    let id = mine["id"].as_i64().unwrap();
    let other = app.sign_up("other_org").await;
    let other = app.session(&other);
    for path in [
        format!("/webhooks/{id}"),
        format!("/webhooks/{id}/deliveries"),
    ] {
        expect_problem(other.get(&path).await, 404, "webhook_not_found").await;
    }
    expect_problem(
        other.delete(&format!("/webhooks/{id}")).await,
        404,
        "webhook_not_found",
    )
    .await;
    let listed = expect_status(other.get("/webhooks").await, 200).await;
    assert_eq!(listed["total"], 0);

    let admin = app.admin_token().await;
    let all = expect_status(app.session(&admin).get("/webhooks").await, 200).await;
    assert_eq!(all["total"], 1);
    assert_eq!(all["items"][0]["id"], id);
    expect_problem(app.get("/webhooks").await, 401, "authentication_required").await;
}

async fn only_the_events_owner_registers_an_endpoint_for_it(app: TestApp) {
    let event = app.create_event(5).await;
    let other = app.sign_up("someone_else").await;
    let body = json!({"url": "https://hooks.example.com/x", "event_id": event});
    expect_problem(
        app.session(&other).post("/webhooks", &body).await,
        403,
        "forbidden",
    )
    .await;
    let unknown = json!({"url": "https://hooks.example.com/x", "event_id": 987654});
    expect_problem(
        app.organizer().post("/webhooks", &unknown).await,
        404,
        "event_not_found",
    )
    .await;
    let admin = app.admin_token().await;
    let created = expect_status(app.session(&admin).post("/webhooks", &body).await, 201).await;
    assert_eq!(created["event_id"], event);
}

async fn bad_endpoints_are_refused_per_field(app: TestApp) {
    let body = json!({
        "url": "ftp://hooks.example.com/x",
        "event_types": ["booking.made"],
        "description": "two\nlines",
        "event_id": 0,
    });
    let problem = expect_problem(
        app.organizer().post("/webhooks", &body).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["url", "event_types", "description", "event_id"] {
        assert!(fields.contains(&field), "{field} missing from {problem}");
    }
    expect_problem(
        app.organizer().post("/webhooks", &json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    let credentials = json!({"url": "https://user:pw@hooks.example.com/"});
    expect_problem(
        app.organizer().post("/webhooks", &credentials).await,
        422,
        "validation_failed",
    )
    .await;
}

async fn an_endpoint_is_changed_field_by_field(app: TestApp) {
    let created = expect_status(
        app.organizer()
            .post(
                "/webhooks",
                &json!({"url": "https://hooks.example.com/a", "description": "first"}),
            )
            .await,
        201,
    )
    .await;
    let path = format!("/webhooks/{}", created["id"]);
    let changed = expect_status(
        app.organizer()
            .patch(&path, &json!({"event_types": ["event.updated"]}))
            .await,
        200,
    )
    .await;
    assert_eq!(changed["event_types"], json!(["event.updated"]));
    assert_eq!(changed["url"], "https://hooks.example.com/a");
    assert_eq!(changed["description"], "first");
    let cleared = expect_status(
        app.organizer()
            .patch(
                &path,
                &json!({"description": null, "url": "https://hooks.example.com/b"}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["url"], "https://hooks.example.com/b");
    expect_problem(
        app.organizer()
            .patch(&path, &json!({"url": "mailto:x@example.com"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
}

/// A server that does not allow private networks (the default outside tests).
async fn start_public_only(backend: Backend) -> TestApp {
    let webhooks = boxoffice_notify::WebhookSettings {
        allow_private_networks: false,
        ..test_webhook_settings()
    };
    let options = Options {
        webhooks,
        ..Options::default()
    };
    TestApp::start_with(backend, options).await
}

async fn private_addresses_are_refused_unless_allowed(app: TestApp) {
    for url in [
        "http://127.0.0.1:9000/in",
        "http://localhost/in",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/in",
        "http://[::1]/in",
    ] {
        let problem = expect_problem(
            app.organizer()
                .post("/webhooks", &json!({"url": url}))
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
    }
    let public = json!({"url": "https://hooks.example.com/in"});
    expect_status(app.organizer().post("/webhooks", &public).await, 201).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_unless_allowed_on_sqlite() {
    private_addresses_are_refused_unless_allowed(start_public_only(Backend::Sqlite).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_unless_allowed_on_postgres() {
    private_addresses_are_refused_unless_allowed(start_public_only(Backend::Postgres).await).await
}
