//! Helpers shared by the tests that run `boxoffice` as a child process.
#![allow(dead_code)]

pub mod mail;

use boxoffice_testkit::{JWT_SECRET, PASSWORD, ServerProcess, event_body, expect_status};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");

pub async fn start(args: Vec<String>) -> ServerProcess {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ServerProcess::start(BINARY, &args, &[("JWT_SECRET", JWT_SECRET)])
    })
    .await
    .expect("server started")
}

/// Signs up an organizer and creates an event with `capacity` seats; returns its id.
pub async fn event(client: &reqwest::Client, base: &str, capacity: i64) -> i64 {
    let user = format!("org{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let body =
        json!({"email": format!("{user}@example.com"), "username": user, "password": PASSWORD});
    let response = client
        .post(format!("{base}/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_status(response, 201).await;
    let login = json!({"username": user, "password": PASSWORD});
    let response = client
        .post(format!("{base}/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    let token = expect_status(response, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = client
        .post(format!("{base}/events"))
        .bearer_auth(token)
        .json(&event_body("Fault test", capacity))
        .send()
        .await
        .unwrap();
    expect_status(response, 201).await["id"].as_i64().unwrap()
}

pub async fn book(
    client: &reqwest::Client,
    base: &str,
    event: i64,
    email: &str,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}/events/{event}/book"))
        .json(&json!({"name": "Fault Tester", "email": email}))
        .send()
        .await
}

/// Runs `boxoffice check` on `url`; returns whether it passed and what it printed.
pub fn check(url: &str) -> (bool, String) {
    let output = std::process::Command::new(BINARY)
        .args([
            "check",
            "--database-url",
            url,
            "--delivery-grace-seconds",
            "0",
        ])
        .output()
        .expect("run boxoffice check");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// Books from `clients` tasks until `stop`; returns the ids of the bookings answered 201.
pub async fn booking_load(
    base: String,
    event: i64,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Vec<i64> {
    let client = reqwest::Client::new();
    let tasks = (0..clients).map(|worker| {
        let (client, base, stop) = (client.clone(), base.clone(), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let email = format!("w{worker}-{n}@example.com");
                // A request cut by the crash has no answer: it was never acknowledged.
                let Ok(response) = book(&client, &base, event, &email).await else {
                    break;
                };
                if response.status() == 201
                    && let Ok(body) = response.json::<serde_json::Value>().await
                {
                    acknowledged.push(body["id"].as_i64().expect("booking id"));
                }
            }
            acknowledged
        })
    });
    let mut all = Vec::new();
    for task in futures::future::join_all(tasks).await {
        all.extend(task.expect("load task"));
    }
    all
}

/// Waits (up to 30 s) until every outbox row is published.
pub async fn await_outbox_drained(store: &boxoffice_store::Store) {
    let began = std::time::Instant::now();
    loop {
        let (pending, _) = store
            .outbox_backlog(chrono::Utc::now())
            .await
            .expect("backlog");
        if pending == 0 {
            return;
        }
        assert!(
            began.elapsed() < std::time::Duration::from_secs(30),
            "{pending} rows still unpublished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Waits until every published domain event's deliveries are routed: at most 45 s, as
/// what a killed process had claimed waits for its claim (30 s) to lapse.
pub async fn await_routing_drained(store: &boxoffice_store::Store) {
    let began = std::time::Instant::now();
    loop {
        let (pending, _) = store
            .routing_backlog(chrono::Utc::now())
            .await
            .expect("routing backlog");
        if pending == 0 {
            return;
        }
        assert!(
            began.elapsed() < std::time::Duration::from_secs(45),
            "{pending} published rows still unrouted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Booking confirmations in the outbox with no delivery attempt recorded (sent, skipped or failed).
pub async fn unrouted_confirmations(url: &str) -> i64 {
    use sqlx::Connection;
    const SQL: &str = "SELECT count(*) FROM outbox o WHERE o.kind = 'booking.created' \
        AND NOT EXISTS (SELECT 1 FROM delivery_attempts d WHERE d.message_id = o.message_id)";
    if url.starts_with("sqlite:") {
        let mut db = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(SQL)
            .fetch_one(&mut db)
            .await
            .expect("count")
    } else {
        let mut db = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(SQL)
            .fetch_one(&mut db)
            .await
            .expect("count")
    }
}

/// Asserts that every booking in `acknowledged` is stored.
pub async fn assert_stored(store: &boxoffice_store::Store, acknowledged: &[i64]) {
    for id in acknowledged {
        let found = store
            .get_booking(boxoffice_domain::BookingId(*id))
            .await
            .expect("read booking");
        assert!(found.is_some(), "acknowledged booking {id} is stored");
    }
}
