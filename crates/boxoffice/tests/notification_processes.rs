//! E-mail across processes: an event service (`--only events`) and notification services
//! (`--only notifications`) over RabbitMQ and PostgreSQL. The notification side asks the
//! event service's internal endpoint for what its messages need (attendee, language, local
//! start), and each message is mailed once, by whichever process took it from the
//! deliveries queue; the logs of both sides show the calls.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_testkit::{
    Backend, JWT_SECRET, PASSWORD, RabbitNamespace, ServerProcess, TcpProxy, TestDatabase,
    event_body, expect_status,
};
use common::mail::{Mail, read_folder};
use serde_json::{Value, json};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");
/// JSON logs with the enrichment and request lines.
const LOG_LEVELS: &str = "warn,boxoffice_notify=info,boxoffice_http=info";

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

/// The JSON log lines of `processes` with this message.
fn logged(processes: &[&ServerProcess], message: &str) -> Vec<Value> {
    processes
        .iter()
        .flat_map(|p| p.log().lines().map(str::to_owned).collect::<Vec<_>>())
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
        .filter(|line| line["message"] == message)
        .collect()
}

/// An event service, and notification processes calling it (directly, or through a
/// proxy the test can cut).
struct Deployment {
    events: ServerProcess,
    notifications: Vec<ServerProcess>,
    proxy: Option<TcpProxy>,
    client: reqwest::Client,
    _namespace: RabbitNamespace,
    _database: TestDatabase,
}

impl Deployment {
    async fn start(notification_processes: usize, through_proxy: bool) -> Self {
        let database = TestDatabase::create(Backend::Postgres).await;
        let namespace = RabbitNamespace::new();
        let env = [
            ("JWT_SECRET", JWT_SECRET),
            ("AMQP_URL", namespace.url.as_str()),
            ("AMQP_NAMESPACE", namespace.name.as_str()),
            ("RUST_LOG", LOG_LEVELS),
            ("LOG_FORMAT", "json"),
        ];
        let start = |more: &[&str]| {
            let args = [&["--database-url", database.url.as_str()], more].concat();
            ServerProcess::start(BINARY, &args, &env)
        };
        let events = start(&["--only", "events"]);
        let proxy = match through_proxy {
            true => Some(TcpProxy::start(events.base["http://".len()..].parse().unwrap()).await),
            false => None,
        };
        let url = match &proxy {
            Some(proxy) => format!("http://{}", proxy.address),
            None => events.base.clone(),
        };
        let notifications = (0..notification_processes)
            .map(|_| start(&["--only", "notifications", "--event-service-url", &url]))
            .collect();
        Deployment {
            events,
            notifications,
            proxy,
            client: reqwest::Client::new(),
            _namespace: namespace,
            _database: database,
        }
    }

    /// Signs up an organizer and creates an event in Berlin; its id and the token.
    async fn organizer_event(&self) -> (i64, String) {
        let (client, base) = (&self.client, &self.events.base);
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
        (event, token)
    }

    async fn book(&self, event: i64, name: &str, locale: &str) {
        let email = format!("{}@example.test", name.to_lowercase());
        let seat = json!({"name": name, "email": email, "locale": locale});
        let booked = self
            .client
            .post(format!("{}/events/{event}/book", self.events.base))
            .json(&seat)
            .send()
            .await
            .unwrap();
        expect_status(booked, 201).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn separate_notification_processes_enrich_and_mail_each_notice_once() {
    let deployment = Deployment::start(2, false).await;
    let notifications = &deployment.notifications;
    let (client, base) = (&deployment.client, &deployment.events.base);
    let (event, token) = deployment.organizer_event().await;
    deployment.book(event, "Jonas", "de-DE").await;
    deployment.book(event, "Lucia", "es").await;
    // Two confirmations and two organizer notices, enriched on the notification side.
    let mails = wait_for(notifications, 4).await;
    let jonas = mails.iter().find(|m| m.to.contains("jonas@")).unwrap();
    assert_eq!(jonas.subject, "Buchung bestätigt: Across Processes");
    assert!(jonas.text.contains("Jonas"), "{}", jonas.text);
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

    for process in notifications {
        let _ = std::fs::remove_dir_all(&process.mail);
    }
    let deleted = client
        .delete(format!("{base}/events/{event}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let mails = wait_for(notifications, 2).await;
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
    // Three enrichments (two bookings, the deletion), each asked of the event service,
    // which answered each.
    let notified: Vec<&ServerProcess> = notifications.iter().collect();
    let enriched = eventually(|| {
        let lines = logged(&notified, "enriched");
        (lines.len() == 3).then_some(lines)
    })
    .await;
    assert!(
        enriched.iter().all(|l| l["source"] == "event-service"),
        "{enriched:#?}"
    );
    eventually(|| {
        let served = logged(&[&deployment.events], "request handled")
            .into_iter()
            .filter(|l| l["span"]["path"] == "/internal/enrichment" && l["status"] == 200)
            .count();
        (served == 3).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_wait_for_an_event_service_that_is_away_for_a_moment() {
    let deployment = Deployment::start(1, true).await;
    let proxy = deployment.proxy.as_ref().unwrap();
    let (event, _) = deployment.organizer_event().await;
    proxy.cut();
    deployment.book(event, "Jonas", "de-DE").await;
    let notified = [&deployment.notifications[0]];
    // The notification process cannot reach the event service and tries again, pausing.
    let failed = eventually(|| {
        let lines = logged(&notified, "enrichment failed; trying again");
        (!lines.is_empty()).then_some(lines)
    })
    .await;
    assert_eq!(failed[0]["source"], "event-service", "{failed:#?}");
    proxy.restore();
    let mails = wait_for(&deployment.notifications, 2).await;
    let jonas = mails.iter().find(|m| m.to.contains("jonas@")).unwrap();
    assert_eq!(jonas.subject, "Buchung bestätigt: Across Processes");
    let metrics = deployment
        .client
        .get(format!("{}/metrics", deployment.notifications[0].base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let counted = |outcome: &str| {
        metrics.lines().any(|line| {
            line.starts_with("boxoffice_enrichment_total{")
                && line.contains(r#"source="event-service""#)
                && line.contains(&format!(r#"outcome="{outcome}""#))
        })
    };
    assert!(counted("failed") && counted("enriched"), "{metrics}");
}

#[test]
fn a_notification_process_without_the_event_service_url_refuses_to_start() {
    let dir =
        std::env::temp_dir().join(format!("boxoffice-no-event-service-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("boxoffice.db").display());
    let output = std::process::Command::new(BINARY)
        .args(["serve", "--port", "0", "--only", "notifications"])
        .args(["--database-url", &database])
        .env("DATA_DIR", &dir)
        .env("AMQP_URL", "amqp://guest:guest@127.0.0.1:1/%2f")
        .env_remove("EVENT_SERVICE_URL")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("set EVENT_SERVICE_URL"), "{stderr}");
}

/// Polls `found` for up to ten seconds.
async fn eventually<T>(mut found: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(value) = found() {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not found within ten seconds");
}
