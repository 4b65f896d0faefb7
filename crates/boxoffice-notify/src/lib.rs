//! The notification service: what happens to a domain event after the broker.
//!
//! - [`consumer`] takes domain events from the broker: every process feeds its
//!   [`hub`] (WebSocket fan-out); one process records each in the history.
//! - [`hub`] knows the open WebSocket connections, decides who receives what,
//!   and drops clients too slow to keep up.
//! - [`Presence`] records which process holds whose connections in the store, so any
//!   process can tell whether a user is online.
//! - [`frames`] renders what travels over the socket, byte for byte.

pub mod consumer;
pub mod frames;
pub mod hub;
mod presence;
mod workers;

pub use hub::{Hub, Registration};
pub use presence::{Presence, PresenceSettings};
pub use workers::Workers;
