//! The notification service: what happens to a domain event after the broker.
//!
//! - [`consumer`] takes domain events from the broker: every process feeds its
//!   [`hub`] (WebSocket fan-out); one process records each in the history.
//! - [`hub`] knows the open WebSocket connections, decides who receives what,
//!   and drops clients too slow to keep up.
//! - [`Presence`] records which process holds whose connections in the store, so any
//!   process can tell whether a user is online.
//! - [`commands`] reads what clients send, [`frames`] renders what the server sends,
//!   byte for byte.
//! - [`deliveries`] takes each domain event once more, on its own queue: [`enrich`]
//!   gathers what its messages need (from the store, or from the event service's
//!   internal endpoint with a [`service_token`]), [`router`] decides who hears what on which channel,
//!   and every e-mail and push attempt is recorded. On the embedded broker, [`routing`]
//!   takes the domain events from the outbox instead, once they are published.
//! - [`webhooks`] turns every domain event into signed deliveries to the organizers'
//!   endpoints, straight from the outbox, and sends them with retries.

pub mod commands;
pub mod consumer;
mod dedup;
pub mod deliveries;
pub mod enrich;
pub mod frames;
pub mod hub;
mod latest;
mod presence;
mod registration;
mod registry;
pub mod router;
pub mod routing;
pub mod service_token;
pub mod webhooks;

pub use commands::ClientCommand;
pub use consumer::{DEFAULT_STEP_TIMEOUT, HistoryRecorder, HistoryStep, SocketFeed};
pub use deliveries::{DeliverySettings, Router};
pub use enrich::{Enricher, EventServiceClient, EventServiceSettings, StoreFacts};
pub use hub::{ConnectionId, Hub, Registration};
pub use presence::{Presence, PresenceSettings};
pub use routing::RoutingSettings;
pub use webhooks::{WebhookSender, WebhookSettings};
