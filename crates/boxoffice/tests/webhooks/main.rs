//! Webhooks end to end: endpoints registered over HTTP, deliveries POSTed to a real receiver
//! that verifies each signature with the Standard Webhooks reference library (Python),
//! retries, replays, scoping and deletion, on both databases.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{
    Backend, Options, TestApp, expect_problem, expect_status, test_webhook_settings,
};
use serde_json::{Value, json};
use std::time::Duration;

mod access;
mod delivery;
mod processes;
mod receiver;

use receiver::Receiver;

/// Retries a fraction of a second apart, so a test sees several attempts.
const FAST_RETRIES: [Duration; 3] = [
    Duration::from_millis(300),
    Duration::from_millis(600),
    Duration::from_millis(1200),
];

async fn start(backend: Backend) -> TestApp {
    let webhooks = boxoffice_notify::WebhookSettings {
        retry_schedule: FAST_RETRIES.to_vec(),
        ..test_webhook_settings()
    };
    let options = Options {
        webhooks,
        ..Options::default()
    };
    TestApp::start_with(backend, options).await
}

/// Runs each listed `async fn(TestApp)` on SQLite and on PostgreSQL, with fast retries.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::start(boxoffice_testkit::Backend::Sqlite).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::start(boxoffice_testkit::Backend::Postgres).await).await
                }
            )*
        }
    };
}
use on_both;

/// Registers an endpoint as the organizer, tells the receiver its secret, returns the
/// endpoint as created (with its secret).
async fn register(app: &TestApp, receiver: &Receiver, name: &str, extra: Value) -> Value {
    let mut body = json!({"url": receiver.url(name)});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let created = expect_status(app.organizer().post("/webhooks", &body).await, 201).await;
    receiver
        .set_secret(name, created["secret"].as_str().unwrap())
        .await;
    created
}

/// The endpoint's delivery log, newest first.
async fn deliveries(app: &TestApp, webhook: i64) -> Vec<Value> {
    let page = expect_status(
        app.organizer()
            .get(&format!("/webhooks/{webhook}/deliveries"))
            .await,
        200,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

/// Waits until the newest delivery of `webhook` has `status`, and returns it.
async fn settled(app: &TestApp, webhook: i64, status: &str) -> Value {
    let deadline = tokio::time::Instant::now() + receiver::PATIENCE;
    loop {
        let log = deliveries(app, webhook).await;
        if let Some(newest) = log.first()
            && newest["status"] == status
        {
            return newest.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {status} delivery in time: {log:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
