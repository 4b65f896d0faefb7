//! Rate limits that hold across processes: on PostgreSQL every process counts in the
//! database's `rate_limits` table, so N processes behind a load balancer grant one quota.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_store::{Rate, Store};
use boxoffice_testkit::{
    Backend, JWT_SECRET, Options, PASSWORD, ServerProcess, TestApp, TestDatabase, expect_problem,
};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");

/// Two `boxoffice serve` processes on one PostgreSQL database, trusting the test's
/// `X-Forwarded-For` so that each test can speak for addresses of its own.
fn two_processes(database: &TestDatabase, env: &[(&str, &str)]) -> [ServerProcess; 2] {
    let mut all = vec![("JWT_SECRET", JWT_SECRET), ("TRUSTED_PROXIES", "127.0.0.1")];
    all.extend_from_slice(env);
    let start = || ServerProcess::start(BINARY, &["--database-url", &database.url], &all);
    [start(), start()]
}

async fn login_from(client: &reqwest::Client, base: &str, address: &str) -> reqwest::Response {
    client
        .post(format!("{base}/auth/login"))
        .header("X-Forwarded-For", address)
        .json(&json!({"username": "nobody", "password": PASSWORD}))
        .send()
        .await
        .expect("login request")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_login_from_one_address_within_a_minute_is_refused_whichever_process_gets_it() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let processes = two_processes(&database, &[]);
    let client = reqwest::Client::new();
    let address = "198.51.100.7";

    // Five attempts, alternating between the processes: each is counted, none refused.
    for n in 0..5 {
        let base = &processes[n % 2].base;
        let attempt = login_from(&client, base, address).await;
        expect_problem(attempt, 401, "invalid_credentials").await;
    }
    // The sixth is refused by the process that did not see the fifth, and by the other one.
    for process in [&processes[1], &processes[0]] {
        let refused = login_from(&client, &process.base, address).await;
        let wait = retry_after(&refused);
        assert!((1..=12).contains(&wait), "Retry-After: {wait}");
        expect_problem(refused, 429, "rate_limited").await;
    }
    // Another address still has its own quota on both.
    for process in &processes {
        let other = login_from(&client, &process.base, "198.51.100.8").await;
        expect_problem(other, 401, "invalid_credentials").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_from_one_address_through_two_processes_get_exactly_five_tries() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let processes = two_processes(&database, &[]);
    let client = reqwest::Client::new();
    let attempts = (0..24).map(|n| login_from(&client, &processes[n % 2].base, "198.51.100.30"));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|response| response.status().as_u16())
        .collect();
    let tried = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((tried, refused), (5, 19), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_wide_limit_is_one_quota_across_processes() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let processes = two_processes(&database, &[("RATE_LIMIT_PER_SECOND", "2")]);
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut allowed = 0u128;
    for n in 0..8 {
        let response = client
            .get(format!("{}/events", processes[n % 2].base))
            .header("X-Forwarded-For", "198.51.100.20")
            .send()
            .await
            .unwrap();
        match response.status() {
            StatusCode::OK => allowed += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected status {other}"),
        }
    }
    // A burst of 2, then one more per half second, whichever process answered. Counted
    // per process, the two would have granted a burst of 2 each.
    let budget = 2 + started.elapsed().as_millis() / 500;
    assert!(
        allowed <= budget,
        "{allowed} requests allowed within a budget of {budget}"
    );
    assert!(allowed >= 2, "the burst is granted");
    let health = client
        .get(format!("{}/healthz", processes[0].base))
        .header("X-Forwarded-For", "198.51.100.20")
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "health checks are exempt");
}

#[tokio::test]
async fn the_shared_counter_grants_a_burst_then_one_request_per_interval() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let store = Store::connect(&database.url, 4).await.unwrap();
    store.migrate().await.unwrap();
    let table = store
        .rate_limit_table()
        .expect("PostgreSQL shares its counters");
    let login = Rate {
        interval: Duration::from_secs(12),
        burst: 5,
    };
    for _ in 0..5 {
        assert_eq!(table.take("login", "192.0.2.1", login).await.unwrap(), None);
    }
    let wait = table
        .take("login", "192.0.2.1", login)
        .await
        .unwrap()
        .expect("the sixth is refused");
    assert!(
        wait > Duration::from_secs(11) && wait <= Duration::from_secs(12),
        "{wait:?}"
    );
    // Refusals are not counted: the wait does not grow.
    let again = table
        .take("login", "192.0.2.1", login)
        .await
        .unwrap()
        .unwrap();
    assert!(again <= wait, "{again:?} after {wait:?}");
    // Other addresses and other limits count apart.
    assert_eq!(table.take("login", "192.0.2.2", login).await.unwrap(), None);
    assert_eq!(table.take("api", "192.0.2.1", login).await.unwrap(), None);

    let quick = Rate {
        interval: Duration::from_millis(100),
        burst: 1,
    };
    assert_eq!(table.take("api", "192.0.2.9", quick).await.unwrap(), None);
    assert!(
        table
            .take("api", "192.0.2.9", quick)
            .await
            .unwrap()
            .is_some()
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    // Back at full allowance: purged by housekeeping, while the refused address stays.
    assert_eq!(table.purge().await.unwrap(), 1);
    assert!(
        table
            .take("login", "192.0.2.1", login)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(table.take("api", "192.0.2.9", quick).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_fails_closed_when_the_shared_counters_are_unreachable() {
    let app = TestApp::start(Backend::Postgres).await;
    app.store.close().await;
    let response = app
        .post(
            "/auth/login",
            &json!({"username": "organizer", "password": PASSWORD}),
        )
        .await;
    assert_eq!(retry_after(&response), 5);
    expect_problem(response, 503, "rate_limit_unavailable").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_wide_limit_counts_in_memory_while_the_shared_counters_are_unreachable() {
    let options = Options {
        rate_limit_per_second: Some(2),
        ..Options::default()
    };
    let app = TestApp::start_with(Backend::Postgres, options).await;
    app.store.close().await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = app
            .request(Method::GET, "/openapi.json")
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..2], [200, 200], "{statuses:?}");
    assert!(statuses[2..].contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn the_shared_store_is_refused_on_sqlite_with_a_clear_message() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let output = std::process::Command::new(BINARY)
        .args(["serve", "--port", "0", "--rate-limit-store", "database"])
        .args(["--database-url", &database.url])
        .env("JWT_SECRET", JWT_SECRET)
        .output()
        .expect("boxoffice serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs a PostgreSQL database"), "{stderr}");
}
