//! The Python receiver (`receiver.py`) as a child process of the test.

use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a test waits for a delivery before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running receiver, killed when dropped.
#[derive(Debug)]
pub struct Receiver {
    _child: Child,
    port: u16,
    client: reqwest::Client,
}

/// `BOXOFFICE_TEST_PYTHON`, else the repository's `.venv` (scripts/setup.sh), else `python3`.
fn python() -> String {
    if let Ok(python) = std::env::var("BOXOFFICE_TEST_PYTHON") {
        return python;
    }
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");
    if std::path::Path::new(venv).exists() {
        venv.to_owned()
    } else {
        "python3".to_owned()
    }
}

impl Receiver {
    pub async fn start() -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks/receiver.py");
        let mut child = Command::new(python())
            .arg(script)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the Python receiver (pip install standardwebhooks)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .await
            .unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("the receiver printed {line:?}; is `standardwebhooks` installed?")
        });
        Receiver {
            _child: child,
            port,
            client: reqwest::Client::new(),
        }
    }

    /// Where endpoint `name` receives.
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/hooks/{name}", self.port)
    }

    fn control(&self, name: &str, what: &str) -> String {
        format!("http://127.0.0.1:{}/control/{name}/{what}", self.port)
    }

    pub async fn set_secret(&self, name: &str, secret: &str) {
        let response = self
            .client
            .put(self.control(name, "secret"))
            .body(secret.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }

    /// The next `count` deliveries to `name` are answered with `status`.
    pub async fn fail_next(&self, name: &str, count: u32, status: u16) {
        let response = self
            .client
            .put(self.control(name, "failures"))
            .json(&json!({"count": count, "status": status}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }

    /// What `name` received so far, oldest first.
    pub async fn received(&self, name: &str) -> Vec<Value> {
        let response = self
            .client
            .get(self.control(name, "received"))
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    /// Waits until `name` received at least `count` deliveries, and returns them all.
    pub async fn wait_for(&self, name: &str, count: usize) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let received = self.received(name).await;
            if received.len() >= count {
                return received;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{name} received {} of {count} in time: {received:?}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
