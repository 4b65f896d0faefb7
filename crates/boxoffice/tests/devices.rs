//! Devices for push notifications over HTTP, and WebSocket presence in the store.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_domain::UserId;
use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use chrono::{Duration, Utc};
use serde_json::json;

on_both_databases!(
    registering_a_token_again_renews_it_and_may_move_it_to_another_user,
    a_user_deletes_only_their_own_devices,
    device_input_is_checked,
    presence_follows_connections_and_expires_with_its_process,
    a_websocket_connection_marks_its_user_online_while_open,
);

const APNS_TOKEN: &str = "7f3c1e0b9a2d4c6e8f1a3b5d7c9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c0d2e";
const FCM_TOKEN: &str = "cXyZ12:APA91bH-token_from_firebase";

async fn user_id(app: &TestApp, username: &str) -> UserId {
    let (user, _) = app
        .store
        .user_for_login(username)
        .await
        .expect("store")
        .expect("user exists");
    user.id
}

async fn registering_a_token_again_renews_it_and_may_move_it_to_another_user(app: TestApp) {
    let alice = app.sign_up("alice").await;
    let bob = app.sign_up("bob").await;
    let first = expect_status(
        app.session(&alice)
            .post("/devices", &json!({"platform": "ios", "token": APNS_TOKEN}))
            .await,
        201,
    )
    .await;
    assert_eq!(first["platform"], "ios");
    assert_eq!(first["token"], APNS_TOKEN);
    let again = expect_status(
        app.session(&alice)
            .post("/devices", &json!({"platform": "ios", "token": APNS_TOKEN}))
            .await,
        200,
    )
    .await;
    assert_eq!(again["id"], first["id"], "one row per token");
    expect_status(
        app.session(&alice)
            .post(
                "/devices",
                &json!({"platform": "android", "token": FCM_TOKEN}),
            )
            .await,
        201,
    )
    .await;
    let listed = expect_status(app.session(&alice).get("/devices").await, 200).await;
    let tokens: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["token"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tokens, [APNS_TOKEN, FCM_TOKEN]);

    // The phone signs in to Bob's account: the token follows the sign-in.
    let moved = expect_status(
        app.session(&bob)
            .post("/devices", &json!({"platform": "ios", "token": APNS_TOKEN}))
            .await,
        200,
    )
    .await;
    assert_eq!(moved["id"], first["id"]);
    let alices = expect_status(app.session(&alice).get("/devices").await, 200).await;
    assert_eq!(alices.as_array().unwrap().len(), 1);
    let bobs = expect_status(app.session(&bob).get("/devices").await, 200).await;
    assert_eq!(bobs[0]["token"], APNS_TOKEN);
}

async fn a_user_deletes_only_their_own_devices(app: TestApp) {
    let alice = app.sign_up("alice").await;
    let bob = app.sign_up("bob").await;
    let device = expect_status(
        app.session(&alice)
            .post(
                "/devices",
                &json!({"platform": "android", "token": FCM_TOKEN}),
            )
            .await,
        201,
    )
    .await;
    let path = format!("/devices/{}", device["id"]);
    expect_problem(
        app.session(&bob).delete(&path).await,
        404,
        "device_not_found",
    )
    .await;
    expect_problem(app.delete(&path).await, 401, "authentication_required").await;
    expect_status(app.session(&alice).delete(&path).await, 204).await;
    expect_problem(
        app.session(&alice).delete(&path).await,
        404,
        "device_not_found",
    )
    .await;
    let listed = expect_status(app.session(&alice).get("/devices").await, 200).await;
    assert_eq!(listed, json!([]));
}

async fn device_input_is_checked(app: TestApp) {
    let alice = app.sign_up("alice").await;
    let session = app.session(&alice);
    for (body, field) in [
        (json!({"platform": "windows", "token": "abc"}), "platform"),
        (json!({"token": "abc"}), "platform"),
        (json!({"platform": "ios"}), "token"),
        (json!({"platform": "ios", "token": "   "}), "token"),
        (json!({"platform": "ios", "token": "a/b"}), "token"),
        (json!({"platform": "ios", "token": "abc?x=1"}), "token"),
        (
            json!({"platform": "ios", "token": "x".repeat(4097)}),
            "token",
        ),
    ] {
        let problem = expect_problem(
            session.post("/devices", &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    expect_problem(
        app.post("/devices", &json!({"platform": "ios", "token": "abc"}))
            .await,
        401,
        "authentication_required",
    )
    .await;
    expect_problem(
        session.delete("/devices/abc").await,
        400,
        "invalid_path_parameter",
    )
    .await;
}

async fn presence_follows_connections_and_expires_with_its_process(app: TestApp) {
    app.sign_up("alice").await;
    let alice = user_id(&app, "alice").await;
    let store = &app.store;
    // An hour ahead, so that the sweeps of the test server's own process (which remove
    // heartbeats older than its now) never touch these rows.
    let t0 = Utc::now() + Duration::hours(1);
    let alive_after = t0 - Duration::seconds(30);
    assert!(!store.is_online(alice, alive_after).await.unwrap());

    assert!(
        !store.presence_heartbeat("proc-a", t0).await.unwrap(),
        "new process"
    );
    assert!(store.presence_heartbeat("proc-a", t0).await.unwrap());
    store
        .presence_connect("proc-a", 1, alice, t0)
        .await
        .unwrap();
    store
        .presence_connect("proc-a", 2, alice, t0)
        .await
        .unwrap();
    assert!(store.is_online(alice, alive_after).await.unwrap());
    assert_eq!(store.online_users(alive_after).await.unwrap(), 1);

    store.presence_disconnect("proc-a", 1).await.unwrap();
    assert!(
        store.is_online(alice, alive_after).await.unwrap(),
        "one connection left"
    );
    store.presence_disconnect("proc-a", 2).await.unwrap();
    assert!(!store.is_online(alice, alive_after).await.unwrap());

    // A process that stops renewing its heartbeat no longer counts, and a sweep removes it.
    store
        .presence_connect("proc-a", 3, alice, t0)
        .await
        .unwrap();
    let later = t0 + Duration::seconds(60);
    assert!(
        !store
            .is_online(alice, later - Duration::seconds(30))
            .await
            .unwrap()
    );
    store.presence_heartbeat("proc-b", later).await.unwrap();
    // The server's own process goes too; it records itself again at its next heartbeat.
    let swept = store
        .presence_sweep(later - Duration::seconds(30))
        .await
        .unwrap();
    assert!(swept >= 1, "proc-a swept");
    assert!(
        !store.is_online(alice, alive_after).await.unwrap(),
        "its rows went with it"
    );
    assert!(
        !store.presence_heartbeat("proc-a", later).await.unwrap(),
        "swept: starts anew"
    );
    store.presence_leave("proc-b").await.unwrap();
    assert!(
        !store.presence_heartbeat("proc-b", later).await.unwrap(),
        "left: starts anew"
    );
}

async fn a_websocket_connection_marks_its_user_online_while_open(app: TestApp) {
    let token = app.sign_up("alice").await;
    let alice = user_id(&app, "alice").await;
    let alive_after = || Utc::now() - Duration::seconds(60);
    assert!(!app.store.is_online(alice, alive_after()).await.unwrap());
    let socket = app.ws(Some(&token)).await;
    let online =
        eventually(|| async { app.store.is_online(alice, alive_after()).await.unwrap() }).await;
    assert!(online, "connected user not seen online");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("boxoffice_ws_online_users"), "{metrics}");
    socket.close().await;
    let offline =
        eventually(|| async { !app.store.is_online(alice, alive_after()).await.unwrap() }).await;
    assert!(offline, "disconnected user still online");
}

/// Polls `check` for up to five seconds: the hub records presence in the background.
async fn eventually<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}
