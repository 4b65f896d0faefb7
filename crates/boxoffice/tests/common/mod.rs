//! Helpers shared by the tests that run `boxoffice` as a child process.
#![allow(dead_code)]

pub mod mail;

use boxoffice_testkit::{JWT_SECRET, PASSWORD, ServerProcess, event_body, expect_status};
use serde_json::json;

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
