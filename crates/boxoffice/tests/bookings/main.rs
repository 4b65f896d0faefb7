//! Booking rules over HTTP: capacity, duplicates, cancellation, idempotency, access.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use serde_json::json;

mod access;
mod rules;
