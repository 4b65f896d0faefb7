//! E-mail across processes: an event service (`--only events`) and two notification
//! services (`--only notifications`) over RabbitMQ and PostgreSQL. The notification side
//! enriches what the event side published (attendee, language, local start) and each
//! message is mailed once, by one of the two, whichever took it from the deliveries queue.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_testkit::{
    Backend, JWT_SECRET, PASSWORD, RabbitNamespace, ServerProcess, TestDatabase, event_body,
    expect_status,
};
use common::mail::{Mail, read_folder};
use serde_json::json;
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");

fn all_mail(processes: &[ServerProcess]) -> Vec<Mail> {
    processes
        .iter()
        .flat_map(|p| read_folder(&p.mail))
        .collect()
}

async fn wait_for(processes: &[ServerProcess], count: usize) -> Vec<Mail> {
    for _ in 0..300 {
        let mails = all_mail(processes);
        if mails.len() >= count {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let mails = all_mail(processes);
            assert_eq!(mails.len(), count, "each message once: {mails:#?}");
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{count} messages expected, found {}",
        all_mail(processes).len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn separate_notification_processes_enrich_and_mail_each_notice_once() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let namespace = RabbitNamespace::new();
    let env = [
        ("JWT_SECRET", JWT_SECRET),
        ("AMQP_URL", namespace.url.as_str()),
        ("AMQP_NAMESPACE", namespace.name.as_str()),
    ];
    let start = |only: &str| {
        ServerProcess::start(
            BINARY,
            &["--only", only, "--database-url", &database.url],
            &env,
        )
    };
    let events = start("events");
    let notifications = [start("notifications"), start("notifications")];
    let client = reqwest::Client::new();
    let base = &events.base;

    let account = json!({"email": "org@example.com", "username": "org", "password": PASSWORD});
    let registered = client
        .post(format!("{base}/auth/register"))
        .json(&account)
        .send()
        .await
        .unwrap();
    expect_status(registered, 201).await;
    let login = json!({"username": "org", "password": PASSWORD});
    let token = expect_status(
        client
            .post(format!("{base}/auth/login"))
            .json(&login)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut body = event_body("Across Processes", 10);
    body["timezone"] = json!("Europe/Berlin");
    body["start_time"] = json!("2031-03-01T20:00:00");
    body["end_time"] = json!("2031-03-01T23:00:00");
    let created = client
        .post(format!("{base}/events"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let event = expect_status(created, 201).await["id"].as_i64().unwrap();

    for (name, locale) in [("Jonas", "de-DE"), ("Lucia", "es")] {
        let seat = json!({"name": name, "email": format!("{}@example.test", name.to_lowercase()), "locale": locale});
        let booked = client
            .post(format!("{base}/events/{event}/book"))
            .json(&seat)
            .send()
            .await
            .unwrap();
        expect_status(booked, 201).await;
    }
    // Two confirmations and two organizer notices, enriched on the notification side.
    let mails = wait_for(&notifications, 4).await;
    let jonas = mails.iter().find(|m| m.to.contains("jonas@")).unwrap();
    assert_eq!(jonas.subject, "Buchung bestätigt: Across Processes");
    assert!(
        jonas.text.contains("2031-03-01 20:00 (Europe/Berlin)"),
        "{}",
        jonas.text
    );
    assert!(
        jonas
            .calendar
            .as_deref()
            .unwrap()
            .contains("DTSTART;TZID=Europe/Berlin:20310301T200000")
    );
    let to_organizer = mails
        .iter()
        .filter(|m| m.to.contains("org@example.com"))
        .count();
    assert_eq!(to_organizer, 2);

    for process in &notifications {
        let _ = std::fs::remove_dir_all(&process.mail);
    }
    let deleted = client
        .delete(format!("{base}/events/{event}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let mails = wait_for(&notifications, 2).await;
    let subject_for = |who: &str| {
        mails
            .iter()
            .find(|m| m.to.contains(who))
            .map(|m| m.subject.as_str())
    };
    assert_eq!(
        subject_for("lucia@"),
        Some("Evento cancelado: Across Processes")
    );
    assert_eq!(
        subject_for("jonas@"),
        Some("Veranstaltung abgesagt: Across Processes")
    );
    // The start travels in the deletion's domain event: the event row is gone.
    assert!(
        mails
            .iter()
            .all(|m| m.text.contains("2031-03-01 20:00 (Europe/Berlin)"))
    );
}
