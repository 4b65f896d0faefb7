//! A WebSocket client for tests.

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// One connection to `/ws`.
#[derive(Debug)]
pub struct WsClient {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How long a test waits for a frame before failing; a guard, not a measurement.
pub const PATIENCE: Duration = Duration::from_secs(10);

impl WsClient {
    /// Connects to `ws://<address>/ws`, signed in if `token` is given.
    pub async fn connect(base: &str, token: Option<&str>) -> Self {
        let base = base.replacen("http://", "ws://", 1);
        let url = match token {
            Some(token) => format!("{base}/ws?token={token}"),
            None => format!("{base}/ws"),
        };
        let (stream, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket handshake");
        WsClient { stream }
    }

    pub async fn send(&mut self, value: Value) {
        self.stream
            .send(Message::Text(value.to_string().into()))
            .await
            .expect("send a frame");
    }

    /// Sends a command and waits for its acknowledgement (skipping other frames).
    pub async fn command(&mut self, action: &str, event_id: i64) -> Value {
        self.send(serde_json::json!({"action": action, "event_id": event_id}))
            .await;
        loop {
            let frame = self.next_json().await;
            if frame["type"] == "ack" || frame["type"] == "error" {
                return frame;
            }
        }
    }

    /// The next text frame as sent, byte for byte.
    pub async fn next_text(&mut self) -> String {
        self.next_text_within(PATIENCE)
            .await
            .expect("a frame in time")
    }

    /// The next text frame, or `None` if nothing arrives within `wait`.
    pub async fn next_text_within(&mut self, wait: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .ok()??;
            match message.expect("a WebSocket frame") {
                Message::Text(text) => return Some(text.to_string()),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    pub async fn next_json(&mut self) -> Value {
        serde_json::from_str(&self.next_text().await).expect("JSON frame")
    }

    /// The next frame of type `kind`, skipping others.
    pub async fn next_of_type(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next_json().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// Asserts that no text frame arrives within `wait`.
    pub async fn expect_silence(&mut self, wait: Duration) {
        if let Some(text) = self.next_text_within(wait).await {
            panic!("expected no frame, got {text}");
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}
