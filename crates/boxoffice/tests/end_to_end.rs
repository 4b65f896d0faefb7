//! One booking, every channel: the seat count moves on the WebSocket, the attendee gets an
//! e-mail in their language with the calendar file, and the organizer's phone gets a push
//! through a local HTTP/2 server standing in for APNs; enrichment is counted in `/metrics`.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;
#[path = "../../boxoffice-push/tests/support/mod.rs"]
mod push_server;

use boxoffice_channels::MailTransport;
use boxoffice_push::{ApnsConfig, PushConfig};
use boxoffice_testkit::{Backend, Options, TestApp, expect_status};
use common::mail::read_folder;
use push_server::H2Server;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_one_booking_reaches_every_channel() {
    one_booking_reaches_every_channel(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_one_booking_reaches_every_channel() {
    one_booking_reaches_every_channel(Backend::Postgres).await;
}

/// Polls `found` for up to ten seconds.
async fn eventually<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(value) = found() {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not arrive within ten seconds");
}

async fn one_booking_reaches_every_channel(backend: Backend) {
    let apns = H2Server::start(|_| async { (200, vec![], String::new()) }).await;
    let key = rcgen::KeyPair::generate().unwrap();
    let push = PushConfig {
        apns: Some(ApnsConfig {
            key_pem: key.serialize_pem().into(),
            key_id: "ABC123DEFG".into(),
            team_id: "TEAM456XYZ".into(),
            topic: "com.example.boxoffice".into(),
            base_url: apns.url.clone(),
        }),
        extra_roots_pem: Some(apns.ca_pem.clone()),
        ..PushConfig::default()
    };
    let mail = std::env::temp_dir().join(format!("boxoffice-e2e-{}", uuid::Uuid::new_v4()));
    let options = Options {
        mail: Some(MailTransport::Folder(mail.clone())),
        push: Some(push),
        ..Options::default()
    };
    let app = TestApp::start_with(backend, options).await;
    let device = json!({"platform": "ios", "token": "organizer-phone"});
    expect_status(app.organizer().post("/devices", &device).await, 201).await;
    let event = app.create_event(5).await;
    let mut watcher = app.ws(None).await;
    assert_eq!(watcher.command("watch", event).await["type"], "ack");

    let seat = json!({"name": "Amélie Dupont", "email": "amelie@example.test", "locale": "fr"});
    let booked = app.post(&format!("/events/{event}/book"), &seat).await;
    expect_status(booked, 201).await;

    // The seat frame: absolute counts; the one from the event's creation may come first.
    let seats = loop {
        let seats = watcher.next_of_type("seats").await;
        if seats["seats_booked"] == 1 {
            break seats;
        }
    };
    assert_eq!(seats["seats_available"], 4);

    let confirmation = eventually("the confirmation e-mail", || {
        read_folder(&mail)
            .into_iter()
            .find(|m| m.to.contains("amelie@example.test"))
    })
    .await;
    assert_eq!(confirmation.subject, "Réservation confirmée : Test event");
    assert!(
        confirmation.text.contains("Bonjour Amélie Dupont"),
        "{}",
        confirmation.text
    );
    let calendar = confirmation.calendar.expect("invite.ics");
    assert!(calendar.contains("BEGIN:VEVENT"), "{calendar}");

    let pushed = eventually("the organizer's push", || {
        apns.received()
            .into_iter()
            .find(|r| r.path == "/3/device/organizer-phone")
    })
    .await;
    assert_eq!(pushed.header("apns-topic"), Some("com.example.boxoffice"));
    let alert = &pushed.json()["aps"]["alert"];
    assert!(
        alert["body"].as_str().unwrap().contains("Amélie Dupont"),
        "{alert}"
    );

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|line| line.starts_with("boxoffice_enrichment_total{")
                && line.contains(r#"source="store""#)
                && line.contains(r#"outcome="enriched""#)),
        "{metrics}"
    );
    let _ = std::fs::remove_dir_all(&mail);
    app.stop().await;
}
