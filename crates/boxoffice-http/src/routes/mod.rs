//! One module per resource; each handler parses, calls the store once or twice, and renders.

pub mod attachments;
pub mod attendees;
pub mod auth;
pub mod bookings;
pub mod calendar;
pub mod devices;
pub mod dialect;
pub mod door;
pub mod events;
pub mod holds;
pub mod internal;
pub mod magic_links;
pub mod notifications;
pub mod ops;
pub mod organizer;
pub mod preferences;
pub mod realtime;
pub mod tickets;
pub mod waitlist;
pub mod webapp;
pub mod webhooks;
