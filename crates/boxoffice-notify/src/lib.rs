//! The notification service: what happens to a domain event after the broker.
//!
//! - [`consumer`] takes domain events from the broker: every process feeds its
//!   [`hub`] (WebSocket fan-out); one process records each in the history.
//! - [`hub`] knows the open WebSocket connections, decides who receives what,
//!   and drops clients too slow to keep up.
//! - [`frames`] renders what travels over the socket, byte for byte.
//! - [`deliveries`] takes each domain event once more, on its own queue: [`enrich`]
//!   reads what its messages need, [`router`] decides who hears what on which channel,
//!   and every e-mail and push attempt is recorded.

pub mod consumer;
pub mod deliveries;
pub mod enrich;
pub mod frames;
pub mod hub;
pub mod router;
mod workers;

pub use deliveries::{DeliverySettings, Router};
pub use hub::{Hub, Registration};
pub use workers::Workers;
