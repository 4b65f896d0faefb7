//! Faults against a real `boxoffice serve` process: the database going away and
//! coming back, slow and surplus clients, and `kill -9` under booking load.
//!
//! The database outage goes through a TCP proxy the test cuts; the shared PostgreSQL
//! is never stopped.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_testkit::{Backend, TcpProxy, TestDatabase, expect_status};
use common::{book, event, start};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Sends `request` and returns its status, `Retry-After`, body and how long it took.
async fn timed(request: reqwest::RequestBuilder) -> (u16, Option<String>, Value, Duration) {
    let began = Instant::now();
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, retry_after, body, began.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_at_once_and_service_resumes_by_itself() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let url = database
        .url
        .replace("127.0.0.1:5432", &proxy.address.to_string());
    let server = start(vec!["--database-url".into(), url]).await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let event = event(&client, &base, 100).await;
    expect_status(
        book(&client, &base, event, "before@example.com")
            .await
            .unwrap(),
        201,
    )
    .await;

    proxy.cut();
    // The first request finds the database gone: a 503 within a second.
    let book_during = |round: usize| {
        client
            .post(format!("{base}/events/{event}/book"))
            .json(&json!({"name": "Fault Tester", "email": format!("during{round}@example.com")}))
    };
    let (status, retry_after, body, first) = timed(book_during(0)).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "database_unavailable");
    assert!(retry_after.is_some(), "Retry-After is set");
    assert!(
        first < Duration::from_secs(1),
        "first failure took {first:?}"
    );
    // Its check confirms the outage within a second; from then on answers come at once.
    let cut = Instant::now();
    while timed(client.get(format!("{base}/readyz"))).await.0 != 503 {
        assert!(cut.elapsed() < Duration::from_secs(1), "known down");
    }
    for round in 1..20 {
        let (status, retry_after, body, took) = timed(book_during(round)).await;
        assert_eq!(status, 503, "round {round}: {body}");
        assert_eq!(body["code"], "database_unavailable");
        assert!(retry_after.is_some(), "Retry-After is set");
        assert!(
            took < Duration::from_millis(250),
            "known down: answered in {took:?}"
        );
        let (status, _, _, took) = timed(client.get(format!("{base}/readyz"))).await;
        assert_eq!(status, 503);
        assert!(
            took < Duration::from_millis(250),
            "/readyz answered in {took:?}"
        );
    }
    let (status, _, _, _) = timed(client.get(format!("{base}/healthz"))).await;
    assert_eq!(status, 200, "the process itself is alive");

    proxy.restore();
    let back = Instant::now();
    loop {
        let (status, _, _, _) = timed(client.get(format!("{base}/readyz"))).await;
        if status == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(5), "/readyz recovers");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let recovered_in = back.elapsed();
    expect_status(
        book(&client, &base, event, "after@example.com")
            .await
            .unwrap(),
        201,
    )
    .await;
    let response = client
        .get(format!("{base}/events/{event}"))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_status(response, 200).await["seats_booked"], 2);
    eprintln!("first 503 in {first:?}; recovered {recovered_in:?} after the database came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_stops_answering_is_found_down_within_a_second() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let url = database
        .url
        .replace("127.0.0.1:5432", &proxy.address.to_string());
    let server = start(vec!["--database-url".into(), url]).await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let event = event(&client, &base, 100).await;

    // Packets dropped: queries on open connections and new connections hang.
    proxy.stall();
    let booking = |email: &str| {
        client
            .post(format!("{base}/events/{event}/book"))
            .json(&json!({"name": "Fault Tester", "email": email}))
    };
    let (status, retry_after, body, first) = timed(booking("stalled@example.com")).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "database_unavailable");
    assert!(retry_after.is_some());
    assert!(
        first < Duration::from_millis(1500),
        "first answer after {first:?}"
    );
    let (status, _, _, then) = timed(booking("again@example.com")).await;
    assert_eq!(status, 503);
    assert!(then < Duration::from_millis(250), "then at once: {then:?}");

    proxy.restore();
    let back = Instant::now();
    while timed(client.get(format!("{base}/readyz"))).await.0 != 200 {
        assert!(back.elapsed() < Duration::from_secs(5), "/readyz recovers");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    expect_status(booking("after@example.com").send().await.unwrap(), 201).await;
    let response = client
        .get(format!("{base}/events/{event}"))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_status(response, 200).await["seats_booked"], 1);
    eprintln!("stalled database: first 503 after {first:?}, then {then:?}");
}

/// The sum of the `/metrics` samples whose name and labels start with `series`.
async fn metric(client: &reqwest::Client, base: &str, series: &str) -> f64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|line| line.starts_with(series))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Polls `series` until it reaches `at_least`; returns how long that took.
async fn await_metric(
    client: &reqwest::Client,
    base: &str,
    series: &str,
    at_least: f64,
) -> Duration {
    let began = Instant::now();
    while metric(client, base, series).await < at_least {
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "{series} never reached {at_least}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    began.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_workers_give_up_on_a_database_that_stops_answering_and_resume() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let url = database
        .url
        .replace("127.0.0.1:5432", &proxy.address.to_string());
    let step_timeout = ["--worker-step-timeout-ms".into(), "500".into()];
    let server = start([vec!["--database-url".into(), url], step_timeout.to_vec()].concat()).await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let event = event(&client, &base, 100).await;
    let published = r#"boxoffice_outbox_published_total{kind="booking.created"}"#;
    expect_status(
        book(&client, &base, event, "before@example.com")
            .await
            .unwrap(),
        201,
    )
    .await;
    await_metric(&client, &base, published, 1.0).await;

    // Nothing passes and nothing is closed: the relay's next round would wait for the
    // pool's acquire timeout (30 s), a query already sent until the connection dies.
    proxy.stall();
    let relay_timeouts = r#"boxoffice_worker_timeouts_total{worker="relay"}"#;
    let gave_up = await_metric(&client, &base, relay_timeouts, 1.0).await;

    proxy.restore();
    let back = Instant::now();
    while timed(client.get(format!("{base}/readyz"))).await.0 != 200 {
        assert!(back.elapsed() < Duration::from_secs(10), "/readyz recovers");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut booked = false;
    for attempt in 0..50 {
        let response = book(
            &client,
            &base,
            event,
            &format!("after{attempt}@example.com"),
        )
        .await;
        if response.is_ok_and(|r| r.status() == 201) {
            booked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(booked, "bookings resume once the database answers");
    let resumed = await_metric(&client, &base, published, 2.0).await;
    eprintln!(
        "stalled database: relay gave up after {gave_up:?}, published again {resumed:?} after a booking"
    );
}

/// A raw connection that sends `bytes` and reports when the server closed it.
fn closed_after(address: &str, bytes: &[u8], patience: Duration) -> Option<Duration> {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.write_all(bytes).unwrap();
    stream.set_read_timeout(Some(patience)).unwrap();
    let began = Instant::now();
    let mut buffer = [0u8; 256];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(began.elapsed()),
            Ok(_) => continue,
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(began.elapsed());
            }
            Err(_) => return None,
        }
    }
}

fn address(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_is_dropped_after_the_header_timeout_while_others_are_served() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let args = [
        "--database-url",
        &database.url,
        "--header-read-timeout-ms",
        "500",
        "--idle-timeout-ms",
        "5000",
    ];
    let server = start(args.iter().map(|s| s.to_string()).collect()).await;
    let target = address(&server.base);
    let slow = tokio::task::spawn_blocking(move || {
        closed_after(
            &target,
            b"GET /events HTTP/1.1\r\nHost: slow\r\nX-Slow:",
            Duration::from_secs(5),
        )
    });
    let client = reqwest::Client::new();
    for _ in 0..5 {
        let response = client
            .get(format!("{}/events", server.base))
            .send()
            .await
            .unwrap();
        expect_status(response, 200).await;
    }
    let closed = slow.await.unwrap().expect("the slow connection was closed");
    assert!(
        closed >= Duration::from_millis(400) && closed < Duration::from_millis(3000),
        "closed after {closed:?}"
    );
    let target = address(&server.base);
    let idle =
        tokio::task::spawn_blocking(move || closed_after(&target, b"", Duration::from_secs(10)));
    let closed = idle.await.unwrap().expect("an idle connection is closed");
    assert!(
        closed >= Duration::from_secs(4),
        "idle connections get the idle timeout: {closed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let args = [
        "--database-url",
        &database.url,
        "--max-connections",
        "2",
        "--idle-timeout-ms",
        "1500",
    ];
    let server = start(args.iter().map(|s| s.to_string()).collect()).await;
    let target = address(&server.base);
    // Two idle connections take both places.
    let holders: Vec<_> = (0..2)
        .map(|_| std::net::TcpStream::connect(&target).unwrap())
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = reqwest::Client::new();
    let began = Instant::now();
    let response = client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await;
    let waited = began.elapsed();
    assert!(
        waited >= Duration::from_millis(1000),
        "served only once an idle connection timed out, after {waited:?}"
    );
    drop(holders);
}
