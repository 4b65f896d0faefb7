//! Tickets and the door over HTTP, on SQLite and PostgreSQL: ticket codes and images,
//! door staff, check-in refusals, and the races the database must decide.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

mod door;
mod races;
mod tickets;

/// A confirmed booking: its id, ticket code and cancel token.
struct Held {
    id: i64,
    ticket: String,
    cancel_token: String,
}

async fn hold(app: &TestApp, event: i64, email: &str) -> Held {
    let body = expect_status(app.book(event, email).await, 201).await;
    Held {
        id: body["id"].as_i64().unwrap(),
        ticket: body["ticket"].as_str().unwrap().to_owned(),
        cancel_token: body["cancel_token"].as_str().unwrap().to_owned(),
    }
}

/// Scans `ticket` at `event`'s door as the holder of `token`.
async fn scan(app: &TestApp, token: &str, event: i64, ticket: &str) -> reqwest::Response {
    app.session(token)
        .post(
            &format!("/events/{event}/check-ins"),
            &json!({ "ticket": ticket }),
        )
        .await
}

async fn cancel(app: &TestApp, held: &Held) -> reqwest::Response {
    app.request(Method::DELETE, &format!("/bookings/{}", held.id))
        .header("X-Cancel-Token", &held.cancel_token)
        .send()
        .await
        .unwrap()
}

/// The booking as its holder sees it.
async fn booking(app: &TestApp, held: &Held) -> Value {
    let response = app
        .request(Method::GET, &format!("/bookings/{}", held.id))
        .header("X-Cancel-Token", &held.cancel_token)
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await
}
