//! Events over HTTP: creation rules, listing filters, updates, deletion, time zones.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, event_body, expect_problem, expect_status, on_both_databases};
use serde_json::{Value, json};

mod calendar;
mod changes;
mod creation;
mod dashboard;
mod export;
mod listing;
mod nearby;

async fn create(app: &TestApp, body: Value) -> Value {
    expect_status(app.organizer().post("/events", &body).await, 201).await
}
