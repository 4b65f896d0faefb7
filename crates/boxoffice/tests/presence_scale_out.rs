//! Presence across processes on one PostgreSQL database: a user connected to one process is
//! online for every process, and when that process is killed, another one sweeps its rows.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_domain::UserId;
use boxoffice_store::Store;
use boxoffice_testkit::{
    Backend, JWT_SECRET, PASSWORD, ServerProcess, TestDatabase, WsClient, expect_status,
};
use serde_json::json;
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");

fn start(database: &TestDatabase) -> ServerProcess {
    ServerProcess::start(
        BINARY,
        &["--database-url", &database.url],
        &[
            ("JWT_SECRET", JWT_SECRET),
            ("PRESENCE_HEARTBEAT_MS", "200"),
            ("PRESENCE_EXPIRY_MS", "1000"),
        ],
    )
}

async fn sign_up(client: &reqwest::Client, base: &str) -> String {
    let account = json!({"email": "alice@example.com", "username": "alice", "password": PASSWORD});
    let registered = client
        .post(format!("{base}/auth/register"))
        .json(&account)
        .send()
        .await
        .unwrap();
    expect_status(registered, 201).await;
    let login = client
        .post(format!("{base}/auth/login"))
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    expect_status(login, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Connection rows of every process, counted directly in the table.
async fn connections(url: &str) -> i64 {
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM ws_connections")
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

/// Polls `check` every 100 ms for up to `limit`.
async fn within<F, Fut>(limit: Duration, check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_process_stops_counting_and_another_sweeps_its_connections() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let first = start(&database);
    let second = start(&database);
    let client = reqwest::Client::new();
    let token = sign_up(&client, &first.base).await;
    let store = Store::connect(&database.url, 2).await.unwrap();
    let (user, _) = store.user_for_login("alice").await.unwrap().unwrap();
    let alice: UserId = user.id;
    let alive_after = || chrono::Utc::now() - chrono::Duration::seconds(1);

    let _socket = WsClient::connect(&first.base, Some(&token)).await;
    assert!(
        within(Duration::from_secs(5), || async {
            store.is_online(alice, alive_after()).await.unwrap()
        })
        .await,
        "a connection to the first process makes Alice online"
    );
    assert_eq!(connections(&database.url).await, 1);

    // SIGKILL: the process cannot remove its own rows.
    drop(first);
    assert!(
        within(Duration::from_secs(5), || async {
            !store.is_online(alice, alive_after()).await.unwrap()
        })
        .await,
        "a killed process's connections stop counting once its heartbeat expires"
    );
    assert!(
        within(Duration::from_secs(5), || async {
            connections(&database.url).await == 0
        })
        .await,
        "the second process sweeps the killed one's rows"
    );
    drop(second);
    store.close().await;
}
