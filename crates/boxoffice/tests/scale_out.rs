//! Scale-out on PostgreSQL and RabbitMQ: separate event-service and notification-service
//! processes, notifications crossing between them, and a broker outage during bookings.
//!
//! These tests share the local RabbitMQ (one stops it for a while), so nextest runs them
//! one at a time (test group `rabbitmq` in .config/nextest.toml).
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{
    Backend, JWT_SECRET, PASSWORD, RabbitNamespace, ServerProcess, TestDatabase, WsClient,
    event_body, expect_status,
};
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");

/// Processes sharing one database and one RabbitMQ namespace.
struct Cluster {
    events: Vec<ServerProcess>,
    notifications: Vec<ServerProcess>,
    client: reqwest::Client,
    // Dropped after the processes.
    _namespace: RabbitNamespace,
    _database: TestDatabase,
}

impl Cluster {
    async fn start(event_services: usize, notification_services: usize) -> Self {
        let database = TestDatabase::create(Backend::Postgres).await;
        let namespace = RabbitNamespace::new();
        let env = [
            ("JWT_SECRET", JWT_SECRET),
            ("AMQP_URL", namespace.url.as_str()),
            ("AMQP_NAMESPACE", namespace.name.as_str()),
        ];
        let start = |only: &[&str]| {
            let args = [&["--database-url", database.url.as_str(), "--only"], only].concat();
            ServerProcess::start(BINARY, &args, &env)
        };
        let events: Vec<ServerProcess> = (0..event_services).map(|_| start(&["events"])).collect();
        // Notification processes ask the first event service for what their messages need.
        let notifications = (0..notification_services)
            .map(|_| start(&["notifications", "--event-service-url", &events[0].base]))
            .collect();
        Cluster {
            events,
            notifications,
            client: reqwest::Client::new(),
            _namespace: namespace,
            _database: database,
        }
    }

    async fn post(
        &self,
        base: &str,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> reqwest::Response {
        let mut request = self.client.post(format!("{base}{path}")).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// Signs up an organizer through the first event service.
    async fn organizer(&self) -> String {
        let base = &self.events[0].base;
        let account = json!({"email": "org@example.com", "username": "org", "password": PASSWORD});
        expect_status(self.post(base, "/auth/register", None, &account).await, 201).await;
        let login = self
            .post(
                base,
                "/auth/login",
                None,
                &json!({"username": "org", "password": PASSWORD}),
            )
            .await;
        expect_status(login, 200).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn create_event(&self, base: &str, token: &str, capacity: i64) -> i64 {
        let created = self
            .post(
                base,
                "/events",
                Some(token),
                &event_body("Scale-out", capacity),
            )
            .await;
        expect_status(created, 201).await["id"].as_i64().unwrap()
    }

    async fn book(&self, base: &str, event: i64, name: &str) {
        let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
        let booked = self
            .post(
                base,
                &format!("/events/{event}/book"),
                None,
                &json!({"name": name, "email": email}),
            )
            .await;
        expect_status(booked, 201).await;
    }
}

/// Waits until each signed-in client has received `event.created` for a fresh event,
/// which proves every notification process is consuming.
async fn warm_up(cluster: &Cluster, token: &str, owners: &mut [WsClient]) {
    let event = cluster
        .create_event(&cluster.events[0].base, token, 1)
        .await;
    for owner in owners.iter_mut() {
        loop {
            let frame = owner.next_of_type("notification").await;
            if frame["notification_type"] == "event.created"
                && frame["event"]["id"].as_str() == Some(event.to_string().as_str())
            {
                break;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_through_one_event_service_reaches_clients_of_both_notification_services_within_a_second()
 {
    let cluster = Cluster::start(2, 2).await;
    let token = cluster.organizer().await;
    let event = cluster
        .create_event(&cluster.events[0].base, &token, 50)
        .await;

    let mut owners = Vec::new();
    let mut watchers = Vec::new();
    for service in &cluster.notifications {
        owners.push(WsClient::connect(&service.base, Some(&token)).await);
        let mut watcher = WsClient::connect(&service.base, None).await;
        assert_eq!(watcher.command("watch", event).await["type"], "ack");
        assert_eq!(watcher.next_of_type("seats").await["seats_booked"], 0);
        watchers.push(watcher);
    }
    warm_up(&cluster, &token, &mut owners).await;

    // Booked through the second event service; seen through both notification services.
    let started = Instant::now();
    cluster.book(&cluster.events[1].base, event, "Rush").await;
    for watcher in &mut watchers {
        // Seat frames carry absolute counts; earlier ones (from the event's creation) may come first.
        let seats = loop {
            let seats = watcher.next_of_type("seats").await;
            if seats["seats_booked"] == 1 {
                break seats;
            }
        };
        assert_eq!(seats["seats_available"], 49);
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(1),
        "seat counts took {elapsed:?} to reach both notification services"
    );
    for owner in &mut owners {
        let frame = owner.next_of_type("notification").await;
        assert_eq!(
            (frame["notification_type"].as_str(), frame["user"].as_str()),
            (Some("booking.created"), Some("Rush"))
        );
    }
}

fn rabbitmqctl(command: &str) {
    let status = Command::new("rabbitmqctl")
        .arg(command)
        .output()
        .expect("rabbitmqctl runs");
    assert!(
        status.status.success(),
        "rabbitmqctl {command}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// Starts RabbitMQ again even if the test fails half-way.
struct RestartOnDrop;

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl").arg("start_app").output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_made_while_the_broker_is_down_arrive_once_when_it_returns() {
    let cluster = Cluster::start(1, 1).await;
    let token = cluster.organizer().await;
    let event = cluster
        .create_event(&cluster.events[0].base, &token, 50)
        .await;
    let notifications = &cluster.notifications[0].base;
    let mut owner = WsClient::connect(notifications, Some(&token)).await;
    let mut watcher = WsClient::connect(notifications, None).await;
    watcher.command("watch", event).await;
    watcher.next_of_type("seats").await;
    warm_up(&cluster, &token, std::slice::from_mut(&mut owner)).await;

    let _restart = RestartOnDrop;
    rabbitmqctl("stop_app");
    for n in 0..5 {
        cluster
            .book(&cluster.events[0].base, event, &format!("Guest {n}"))
            .await;
    }
    rabbitmqctl("start_app");

    // Relay and consumers reconnect with back-off (at most 5 s apart): allow for that.
    let patience = Duration::from_secs(40);
    let mut booked = std::collections::HashSet::new();
    while booked.len() < 5 {
        let text = owner
            .next_text_within(patience)
            .await
            .expect("every booking is notified after the outage");
        let frame: Value = serde_json::from_str(&text).unwrap();
        if frame["notification_type"] == "booking.created" {
            // Each guest has a distinct name, so each booking's frame is distinct.
            assert!(
                booked.insert(frame["user"].as_str().unwrap().to_owned()),
                "a notification arrived twice: {text}"
            );
        }
    }
    let mut last_seats = 0;
    while last_seats < 5 {
        let text = watcher
            .next_text_within(patience)
            .await
            .expect("seat counts after the outage");
        last_seats = serde_json::from_str::<Value>(&text).unwrap()["seats_booked"]
            .as_i64()
            .unwrap_or(last_seats);
    }
    // Exactly once: nothing more arrives.
    owner.expect_silence(Duration::from_millis(1500)).await;
    let ready = cluster
        .client
        .get(format!("{}/readyz", cluster.events[0].base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}
