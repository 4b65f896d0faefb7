//! `DevicePush` sends to each of a user's registered devices and prunes the tokens APNs
//! reports unregistered, on both databases.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod support;

use boxoffice_push::{
    ApnsConfig, DevicePush, Platform, Push, PushConfig, PushMessage, PushOutcome,
};
use boxoffice_testkit::{TestApp, expect_status, on_both_databases};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use support::H2Server;

on_both_databases!(each_device_is_sent_to_and_unregistered_ones_are_pruned);

async fn each_device_is_sent_to_and_unregistered_ones_are_pruned(app: TestApp) {
    let server = H2Server::start(|request| async move {
        match request.path.as_str() {
            "/3/device/phone-ok" => (200, vec![], String::new()),
            "/3/device/phone-busy" => (
                429,
                vec![],
                json!({"reason": "TooManyRequests"}).to_string(),
            ),
            _ => (
                410,
                vec![],
                json!({"reason": "Unregistered", "timestamp": 1}).to_string(),
            ),
        }
    })
    .await;
    let key = rcgen::KeyPair::generate().expect("P-256 key");
    let push = Push::new(PushConfig {
        apns: Some(ApnsConfig {
            key_pem: key.serialize_pem().into(),
            key_id: "ABC123DEFG".into(),
            team_id: "TEAM456XYZ".into(),
            topic: "com.example.boxoffice".into(),
            base_url: server.url.clone(),
        }),
        extra_roots_pem: Some(server.ca_pem.clone()),
        ..PushConfig::default()
    })
    .expect("push");

    let alice = app.sign_up("alice").await;
    let bob = app.sign_up("bob").await;
    for (who, platform, token) in [
        (&alice, "ios", "phone-ok"),
        (&alice, "ios", "phone-gone"),
        (&alice, "ios", "phone-busy"),
        (&alice, "android", "tablet"),
        (&bob, "ios", "bobs-phone"),
    ] {
        expect_status(
            app.session(who)
                .post("/devices", &json!({"platform": platform, "token": token}))
                .await,
            201,
        )
        .await;
    }
    let (user, _) = app.store.user_for_login("alice").await.unwrap().unwrap();
    let devices = DevicePush::new(app.store.clone(), Arc::new(push));
    let message = PushMessage {
        title: "Jazz night".into(),
        body: "Moved to 9 pm".into(),
        data: BTreeMap::new(),
    };

    let outcomes = devices.push_to_user(user.id, &message).await;
    let summary: Vec<_> = outcomes
        .iter()
        .map(|(_, platform, outcome)| (*platform, outcome.label()))
        .collect();
    assert_eq!(
        summary,
        [
            (Platform::Ios, "delivered"),
            (Platform::Ios, "unregistered"),
            (Platform::Ios, "retryable"),
        ],
        "Android is not configured, so the tablet is not sent to"
    );
    assert!(matches!(outcomes[2].2, PushOutcome::Retryable(_)));
    let paths: Vec<_> = server.received().into_iter().map(|r| r.path).collect();
    assert!(
        !paths.iter().any(|p| p.contains("bobs-phone")),
        "only Alice's devices"
    );

    let left = expect_status(app.session(&alice).get("/devices").await, 200).await;
    let tokens: Vec<_> = left
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["token"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tokens,
        ["phone-ok", "phone-busy", "tablet"],
        "the unregistered token is pruned"
    );
    let bobs = expect_status(app.session(&bob).get("/devices").await, 200).await;
    assert_eq!(bobs.as_array().unwrap().len(), 1);
}
