//! The operations of Boxoffice, one function each, between the HTTP handlers and the store.
//!
//! A use case opens the write transaction, calls store functions that run in it, builds
//! the domain events and decides who hears of them, appends them to the outbox, and, for
//! a request sent with an idempotency key, records its typed outcome, all in the same
//! commit. It returns a typed outcome; rendering it is the caller's business. Deadlock
//! victims and serialization failures run the whole transaction again.

pub mod attendees;
pub mod bookings;
mod changes;
pub mod dashboard;
pub mod events;
pub mod holds;
mod recorded;
pub mod tickets;
pub mod waitlist;
pub mod webhooks;

pub use bookings::{BookOutcome, BookRequest, Booked};
pub use events::AttachmentChange;
