//! `GET /ws`: notifications and live seat counts over a WebSocket.
//!
//! Client messages: `{"action": "subscribe" | "unsubscribe" | "watch" | "unwatch", "event_id": 42}`.
//! Subscribing needs a signed-in connection (`?token=<JWT>`); watching seats does not.

use crate::auth::TokenUser;
use crate::error::{ApiError, ErrorCode, Problem};
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Query, State};
use axum::response::Response;
use boxoffice_domain::{EventId, SeatCounts};
use boxoffice_notify::{ClientCommand, ConnectionId, Hub, Registration, frames};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use std::time::{Duration, Instant};
use utoipa::IntoParams;

/// How often the server pings; a client silent for three intervals is dropped.
const PING_EVERY: Duration = Duration::from_secs(20);

const READ_BUFFER: usize = 4 * 1024;
const WRITE_BUFFER: usize = 16 * 1024;
const MAX_WRITE_BUFFER: usize = 1024 * 1024;

/// Frames written to a socket before one flush.
const FRAMES_PER_FLUSH: usize = 64;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SocketQuery {
    /// An access token; without one the connection may only watch seat counts.
    pub token: Option<String>,
}

/// Open a WebSocket for notifications and live seat counts.
///
/// Server frames: `{"type": "notification", ...}`, `{"type": "seats", ...}`,
/// `{"type": "ack", ...}` and `{"type": "error", ...}`.
#[utoipa::path(get, path = "/ws", tag = "notifications", params(SocketQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 401, description = "The token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 426, description = "Not a WebSocket upgrade request", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn connect_websocket(
    State(app): State<AppState>,
    axum::extract::Query(query): Query<SocketQuery>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let hub = app.hub.clone().ok_or_else(ApiError::internal)?;
    let user = match query.token.as_deref() {
        Some(token) => Some(crate::auth::authenticate(&app, token).await?),
        None => None,
    };
    let upgrade = upgrade.map_err(|_| {
        ApiError::new(
            ErrorCode::UpgradeRequired,
            "Connect with a WebSocket client.",
        )
    })?;
    // Small buffers: the defaults (128 KiB read buffer per socket, allocated up front) would
    // cost 640 MB at 5,000 connections; frames here are a few hundred bytes.
    let upgrade = upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER);
    // Registered before the switch is answered, so every change made after the client's
    // handshake completed reaches it; frames wait in the queue until the socket is up, and an
    // upgrade that fails drops the registration.
    let registration = hub.register(notified(&app, user.as_ref()).await);
    Ok(upgrade.on_upgrade(move |socket| session(socket, app, hub, registration, user)))
}

/// The user whose notifications this connection carries: none for an anonymous one, or for
/// a user who turned the WebSocket channel off (`/me/notification-preferences`; read when
/// the connection opens). Such a connection still watches seats and answers commands.
async fn notified(app: &AppState, user: Option<&TokenUser>) -> Option<boxoffice_domain::UserId> {
    let user = user?;
    match app.store.user_preferences(user.id).await {
        Ok((chosen, _)) if !chosen.websocket => None,
        Ok(_) => Some(user.id),
        Err(err) => {
            // Live updates are not withheld because a preference could not be read.
            tracing::warn!(error = %err, "reading WebSocket preferences failed");
            Some(user.id)
        }
    }
}

async fn session(
    socket: WebSocket,
    app: AppState,
    hub: Hub,
    mut registration: Registration,
    user: Option<TokenUser>,
) {
    let (mut sink, mut stream) = socket.split();
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut heard_from = Instant::now();
    loop {
        tokio::select! {
            frames = registration.next_frames(FRAMES_PER_FLUSH) => match frames {
                Some(frames) => {
                    // Everything already waiting goes out with one flush (one write).
                    let mut written = Ok(());
                    for frame in frames {
                        written = sink.feed(Message::Text(frame.as_ref().into())).await;
                        if written.is_err() {
                            break;
                        }
                    }
                    if written.is_err() || sink.flush().await.is_err() {
                        break;
                    }
                }
                None => {
                    let reason = CloseFrame { code: close_code::AGAIN, reason: "client too slow".into() };
                    let _ = sink.send(Message::Close(Some(reason))).await;
                    break;
                }
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    heard_from = Instant::now();
                    let reply = handle(&app, &hub, registration.id, user.as_ref(), &text).await;
                    hub.send_to(registration.id, reply.0);
                    if let Some(extra) = reply.1 {
                        hub.send_to(registration.id, extra);
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => heard_from = Instant::now(),
            },
            _ = ping.tick() => {
                if heard_from.elapsed() > PING_EVERY * 3 || sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
}

/// Answers one client message: an ack or an error, and for `watch` the current seat counts.
async fn handle(
    app: &AppState,
    hub: &Hub,
    connection: ConnectionId,
    user: Option<&TokenUser>,
    text: &str,
) -> (String, Option<String>) {
    let command = match ClientCommand::parse(text) {
        Ok(command) => command,
        Err(detail) => return (frames::error("invalid_message", &detail), None),
    };
    let event = command.event_id();
    let outcome = match command {
        ClientCommand::Watch { .. } => watch(app, hub, connection, event).await,
        ClientCommand::Unwatch { .. } => {
            hub.set_watching(connection, event, false);
            Ok(None)
        }
        ClientCommand::Subscribe { .. } | ClientCommand::Unsubscribe { .. } => match user {
            None => Err((
                "authentication_required",
                "Connect with ?token=<access token> to subscribe.".to_owned(),
            )),
            Some(user) => {
                let found = if matches!(command, ClientCommand::Subscribe { .. }) {
                    app.store.subscribe(user.id, event, app.now()).await
                } else {
                    app.store.unsubscribe(user.id, event).await
                };
                match found {
                    Ok(true) => Ok(None),
                    Ok(false) => Err(("event_not_found", format!("event {event} does not exist"))),
                    Err(err) => {
                        tracing::error!(error = %err, "changing a subscription failed");
                        Err((
                            "internal_error",
                            "The subscription could not be changed.".to_owned(),
                        ))
                    }
                }
            }
        },
    };
    match outcome {
        Ok(extra) => (frames::ack(command.action(), event), extra),
        Err((code, detail)) => (frames::error(code, &detail), None),
    }
}

/// Starts live seat counts and returns the current ones.
async fn watch(
    app: &AppState,
    hub: &Hub,
    connection: ConnectionId,
    event: EventId,
) -> Result<Option<String>, (&'static str, String)> {
    match app.store.get_event(event).await {
        Ok(Some(found)) => {
            hub.set_watching(connection, event, true);
            let counts = SeatCounts {
                capacity: found.content.capacity.map(|c| c.get()),
                seats_booked: found.seats_booked,
            };
            Ok(Some(frames::seats(event, counts, chrono::Utc::now())))
        }
        Ok(None) => Err(("event_not_found", format!("event {event} does not exist"))),
        Err(err) => {
            tracing::error!(error = %err, "reading seats failed");
            Err(("internal_error", "Seat counts are unavailable.".to_owned()))
        }
    }
}
