//! Notification channels beyond the WebSocket: e-mail and the seam to mobile push.
//!
//! - [`templates`]: one message template per notice and language (en, fr, de, es, hi),
//!   rendered to a subject, a plain-text part and an HTML part; `fr-CA` falls back to
//!   `fr`, an unknown language to `en`.
//! - [`ics`]: the calendar file attached to booking confirmations.
//! - [`mail`]: sending over SMTP, or writing `.eml` files to a folder.
//! - [`push`]: the interface a mobile push sender implements.
//! - [`qr`]: ticket QR codes as SVG and PNG.
//! - [`delivery`]: the outcome of each attempt, as recorded, logged and counted.

pub mod delivery;
pub mod ics;
pub mod locale;
pub mod mail;
pub mod push;
pub mod qr;
pub mod templates;

pub use delivery::{Channel, DeliveryAttempt, DeliveryStatus};
pub use locale::Language;
pub use mail::{
    MailAttachment, MailError, MailTransport, Mailer, OutgoingMail, SmtpSecurity, SmtpSettings,
};
pub use push::{PushChannel, PushNote};
pub use templates::{Notice, Placeholder, Placeholders, Rendered, Templates};
