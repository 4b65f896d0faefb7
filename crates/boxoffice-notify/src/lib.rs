//! The notification service: what happens to a domain event after the broker.
//!
//! - [`consumer`] takes domain events from the broker: every process feeds its
//!   [`hub`] (WebSocket fan-out); one process records each in the history.
//! - [`hub`] knows the open WebSocket connections, decides who receives what,
//!   and drops clients too slow to keep up.
//! - [`frames`] renders what travels over the socket, byte for byte.

pub mod consumer;
pub mod frames;
pub mod hub;
mod workers;

pub use hub::{Hub, Registration};
pub use workers::{DEFAULT_STEP_TIMEOUT, Workers};
