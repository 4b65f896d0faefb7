//! The parts of the Boxoffice API the scenarios call.

use crate::load::Op;
use anyhow::{Context, bail};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// The Boxoffice servers under load: one, or several processes sharing one database, which
/// take the requests in turn.
#[derive(Debug, Clone)]
pub struct Api {
    bases: Arc<[String]>,
    next: Arc<AtomicUsize>,
    pub http: reqwest::Client,
}

/// Maps a response to the outcome recorded: 2xx is success, anything else is named by status or `code`.
pub async fn outcome(response: Result<reqwest::Response, reqwest::Error>) -> Result<(), String> {
    match response {
        Ok(r) if r.status().is_success() => {
            let _ = r.bytes().await;
            Ok(())
        }
        Ok(r) => {
            let status = r.status().as_u16();
            let code = r
                .json::<Value>()
                .await
                .ok()
                .and_then(|b| b["code"].as_str().map(str::to_owned));
            Err(code.unwrap_or_else(|| format!("http_{status}")))
        }
        Err(e) if e.is_timeout() => Err("timeout".into()),
        Err(e) if e.is_connect() => Err("connect".into()),
        Err(_) => Err("transport".into()),
    }
}

impl Api {
    pub fn new(bases: &[String]) -> Self {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(20_000)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("HTTP client");
        let bases = bases.iter().map(|b| b.trim_end_matches('/').to_owned());
        Api {
            bases: bases.collect(),
            next: Arc::default(),
            http,
        }
    }

    /// The URL of `path` on the next server in turn.
    pub fn url(&self, path: &str) -> String {
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.bases.len();
        format!("{}{path}", self.bases[turn])
    }

    /// Signs up a fresh organizer and returns an access token.
    pub async fn organizer(&self) -> anyhow::Result<String> {
        let name = format!("bench_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let password = "Bench!pass1";
        let account = json!({"email": format!("{name}@bench.example"), "username": name, "password": password});
        let created = self
            .http
            .post(self.url("/auth/register"))
            .json(&account)
            .send()
            .await
            .context("sign up")?;
        if !created.status().is_success() {
            bail!(
                "sign-up refused: {}",
                created.text().await.unwrap_or_default()
            );
        }
        let login = self
            .http
            .post(self.url("/auth/login"))
            .json(&json!({"username": name, "password": password}))
            .send()
            .await?;
        let body: Value = login.json().await?;
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .context("no access token (sign-in rate limited?)")
    }

    /// Creates an event starting in a week and returns its id.
    pub async fn create_event(
        &self,
        token: &str,
        title: &str,
        capacity: i64,
    ) -> anyhow::Result<i64> {
        let response = self
            .http
            .post(self.url("/events"))
            .bearer_auth(token)
            .json(&event_body(title, capacity))
            .send()
            .await?;
        if !response.status().is_success() {
            bail!(
                "event creation refused: {}",
                response.text().await.unwrap_or_default()
            );
        }
        let body: Value = response.json().await?;
        body["id"].as_i64().context("event id")
    }

    pub fn get(&self, path: &'static str) -> Op {
        let (http, url) = (self.http.clone(), self.url(path));
        Arc::new(move |_| {
            let request = http.get(&url).send();
            Box::pin(async move { outcome(request.await).await })
        })
    }

    /// `GET /events/{id}` over the given events in turn.
    pub fn get_event(&self, events: Arc<Vec<i64>>) -> Op {
        let api = self.clone();
        Arc::new(move |n| {
            let event = events[n as usize % events.len()];
            let request = api.http.get(api.url(&format!("/events/{event}"))).send();
            Box::pin(async move { outcome(request.await).await })
        })
    }

    /// Books a seat for person `n` (a unique e-mail per `n` and `run`) on one of `events`.
    pub fn book(&self, events: Arc<Vec<i64>>, run: &str) -> Op {
        let (api, run) = (self.clone(), run.to_owned());
        Arc::new(move |n| {
            let event = events[n as usize % events.len()];
            let body =
                json!({"name": format!("Guest {n}"), "email": format!("g{n}.{run}@bench.example")});
            let request = api
                .http
                .post(api.url(&format!("/events/{event}/book")))
                .json(&body)
                .send();
            Box::pin(async move { outcome(request.await).await })
        })
    }

    /// Creates events with `token`.
    pub fn create(&self, token: String) -> Op {
        let api = self.clone();
        Arc::new(move |n| {
            let request = api
                .http
                .post(api.url("/events"))
                .bearer_auth(&token)
                .json(&event_body(&format!("Bench event {n}"), 100))
                .send();
            Box::pin(async move { outcome(request.await).await })
        })
    }

    /// Opens a WebSocket that watches `event`; returns once the first seat count arrived.
    pub async fn watcher(&self, event: i64) -> anyhow::Result<Watcher> {
        let url = self.url("/ws").replacen("http://", "ws://", 1);
        // Small buffers, so thousands of clients fit in memory next to the server.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(4096);
        let (mut stream, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
            .await
            .context("WebSocket handshake")?;
        stream
            .send(Message::Text(
                json!({"action": "watch", "event_id": event})
                    .to_string()
                    .into(),
            ))
            .await?;
        loop {
            match stream.next().await {
                Some(Ok(Message::Text(text))) if text.contains(r#""type": "seats""#) => {
                    let first = SeatFrame::read(&text).context("unreadable seat frame")?;
                    return Ok(Watcher { stream, first });
                }
                Some(Ok(_)) => continue,
                other => bail!("watch failed: {other:?}"),
            }
        }
    }
}

/// A WebSocket watching one event's seat counts.
pub struct Watcher {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    /// The seat counts sent in reply to `watch`.
    pub first: SeatFrame,
}

/// What the bench reads of a seat frame: only its timestamp and count, so the client stays
/// cheap next to the server it measures.
#[derive(Debug, Clone, Copy)]
pub struct SeatFrame {
    /// When the change happened (the frame's timestamp).
    pub changed_at: chrono::DateTime<chrono::FixedOffset>,
    pub seats_booked: i64,
}

impl SeatFrame {
    fn read(frame: &str) -> Option<SeatFrame> {
        if !frame.starts_with(r#"{"type": "seats""#) {
            return None;
        }
        Some(SeatFrame {
            changed_at: seat_timestamp(frame)?,
            seats_booked: seats_booked(frame)?,
        })
    }
}

impl Watcher {
    /// Calls `on_seats(frame, arrived_at)` for every seat frame until the socket closes or
    /// `until` passes.
    pub async fn listen(
        mut self,
        until: tokio::time::Instant,
        mut on_seats: impl FnMut(SeatFrame, chrono::DateTime<chrono::Utc>),
    ) {
        while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until, self.stream.next()).await {
            if let Message::Text(text) = message
                && let Some(frame) = SeatFrame::read(&text)
            {
                on_seats(frame, chrono::Utc::now());
            }
        }
    }
}

/// How long a change took to arrive: from its timestamp to `arrived_at`.
pub fn delay_since(
    changed_at: chrono::DateTime<chrono::FixedOffset>,
    arrived_at: chrono::DateTime<chrono::Utc>,
) -> Duration {
    arrived_at
        .signed_duration_since(changed_at)
        .to_std()
        .unwrap_or_default()
}

/// The `timestamp` of a seat frame, which the server writes last.
fn seat_timestamp(frame: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let start = frame.rfind(r#""timestamp": ""#)? + r#""timestamp": ""#.len();
    let end = start + frame[start..].find('"')?;
    chrono::DateTime::parse_from_rfc3339(&frame[start..end]).ok()
}

/// The `seats_booked` of a seat frame.
fn seats_booked(frame: &str) -> Option<i64> {
    let start = frame.find(r#""seats_booked": "#)? + r#""seats_booked": "#.len();
    let digits = frame[start..].find(|c: char| !c.is_ascii_digit())?;
    frame[start..start + digits].parse().ok()
}

/// A valid event body starting in a week.
pub fn event_body(title: &str, capacity: i64) -> Value {
    let start = chrono::Utc::now() + chrono::Duration::days(7);
    json!({
        "title": title, "location": "Bench Hall", "country": "IN",
        "start_time": start.to_rfc3339(), "end_time": (start + chrono::Duration::hours(2)).to_rfc3339(),
        "capacity": capacity, "tags": ["bench"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seat_timestamp_is_read_without_parsing_the_frame() {
        let frame = r#"{"type": "seats", "event_id": 4, "capacity": 5, "seats_booked": 1, "seats_available": 4, "timestamp": "2026-11-21T10:00:00.250Z"}"#;
        assert_eq!(
            seat_timestamp(frame).unwrap().timestamp_millis() % 1000,
            250
        );
        assert!(seat_timestamp("{}").is_none());
        assert_eq!(seats_booked(frame), Some(1));
        assert_eq!(SeatFrame::read(frame).map(|f| f.seats_booked), Some(1));
        assert!(SeatFrame::read(r#"{"type": "ack"}"#).is_none());
    }
}
