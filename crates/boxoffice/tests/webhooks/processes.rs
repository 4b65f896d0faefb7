//! Two `boxoffice serve` processes on one PostgreSQL: both fan out and send, and every
//! delivery reaches the receiver exactly once.

use super::*;
use boxoffice_testkit::{JWT_SECRET, PASSWORD, ServerProcess, TestDatabase, event_body};
use std::collections::HashSet;

const BINARY: &str = env!("CARGO_BIN_EXE_boxoffice");
const BOOKINGS: usize = 40;

async fn send(client: &reqwest::Client, request: reqwest::RequestBuilder, status: u16) -> Value {
    let response = client.execute(request.build().unwrap()).await.unwrap();
    expect_status(response, status).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgresql_deliver_each_delivery_once() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let env = [
        ("JWT_SECRET", JWT_SECRET),
        ("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true"),
    ];
    let start = || {
        let url = database.url.clone();
        tokio::task::spawn_blocking(move || {
            ServerProcess::start(BINARY, &["--database-url", &url], &env)
        })
    };
    let (a, b) = (start().await.unwrap(), start().await.unwrap());
    let client = reqwest::Client::new();
    let receiver = Receiver::start().await;

    let user = json!({"email": "multi@example.com", "username": "multi", "password": PASSWORD});
    send(
        &client,
        client.post(format!("{}/auth/register", a.base)).json(&user),
        201,
    )
    .await;
    let login = json!({"username": "multi", "password": PASSWORD});
    let token = send(
        &client,
        client.post(format!("{}/auth/login", a.base)).json(&login),
        200,
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let webhook = json!({"url": receiver.url("shared"), "event_types": ["booking.created"]});
    let created = send(
        &client,
        client
            .post(format!("{}/webhooks", a.base))
            .bearer_auth(&token)
            .json(&webhook),
        201,
    )
    .await;
    receiver
        .set_secret("shared", created["secret"].as_str().unwrap())
        .await;
    let event = send(
        &client,
        client
            .post(format!("{}/events", a.base))
            .bearer_auth(&token)
            .json(&event_body("Shared", 1000)),
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();

    // Bookings through both processes, concurrently.
    let bookings = (0..BOOKINGS).map(|n| {
        let base = if n % 2 == 0 { &a.base } else { &b.base };
        let body = json!({"name": "Guest", "email": format!("guest{n}@example.com")});
        send(
            &client,
            client
                .post(format!("{base}/events/{event}/book"))
                .json(&body),
            201,
        )
    });
    futures::future::join_all(bookings).await;

    let received = receiver.wait_for("shared", BOOKINGS).await;
    // Time for a duplicate, if there were one, to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received = receiver.received("shared").await.len().max(received.len());
    let all = receiver.received("shared").await;
    let ids: HashSet<&str> = all
        .iter()
        .map(|r| r["webhook_id"].as_str().unwrap())
        .collect();
    assert_eq!(received, BOOKINGS, "deliveries received");
    assert_eq!(ids.len(), BOOKINGS, "distinct webhook-ids");
    assert!(all.iter().all(|r| r["verified"] == true));
    let mut booked: Vec<i64> = all
        .iter()
        .map(|r| r["payload"]["data"]["booking_id"].as_i64().unwrap())
        .collect();
    booked.sort_unstable();
    booked.dedup();
    assert_eq!(booked.len(), BOOKINGS, "one delivery per booking");
}
