//! The Boxoffice domain: validated value types and the rules of events,
//! attendees and bookings. Nothing here performs I/O; every type that leaves
//! a constructor is valid, so the layers above never re-check it.

mod activity;
mod attachment;
mod attendee;
mod booking;
mod channel;
mod country;
mod device;
mod domain_event;
mod email;
mod event;
mod hold;
mod ids;
mod listing;
mod page;
mod place;
mod public_url;
mod schedule;
mod secret;
mod text;
mod ticket;
mod time;
mod tzdb;
mod user;
mod validation;
mod waitlist;
mod webhook;

pub use activity::{
    Activity, ActivityBucket, ActivityCounts, ActivitySlot, Granularity, HOURLY_SPAN, SLOT_SECONDS,
};
pub use attachment::{
    ATTACHMENT_KINDS, Attachment, AttachmentKind, FILE_NAME_MAX, FileName, sha256_hex,
};
pub use attendee::{Attendee, AttendeePatch, Locale, NewAttendee, PersonName, Phone};
pub use booking::{Booking, BookingRefusal, BookingStatus};
pub use channel::{Channel, DeliveryStatus};
pub use country::Country;
pub use device::{DEVICE_TOKEN_MAX, Device, DeviceId, DeviceToken, Platform, is_token_byte};
pub use domain_event::{Audience, DomainEvent, DomainEventKind, Farewell, SeatCounts};
pub use email::Email;
pub use event::{
    Capacity, Coordinates, Event, EventPatch, EventStatus, Location, NewEvent, Tag, Tags, Title,
};
pub use hold::{HoldDuration, MAX_HELD_SEATS, SeatHold};
pub use ids::{AttendeeId, BookingId, EventId, HoldId, UserId, WaitlistEntryId};
pub use listing::{EARTH_RADIUS_KM, EventSort, Near, When, parse_point};
pub use page::{Page, PageRequest};
pub use place::resolve_place;
pub use public_url::PublicUrl;
pub use schedule::Schedule;
pub use secret::{SecretHash, SecretToken};
pub use text::{
    CONTROL_MESSAGE, LOGIN_MAX, SEARCH_MAX, multi_line, parse_login, parse_search_text, single_line,
};
pub use ticket::{InvalidTicket, TICKET_CODE_MAX, TicketCode, TicketKey};
pub use time::{Zone, parse_instant, truncate_to_micros};
pub use user::{NewUser, Password, Role, User, Username, parse_full_name};
pub use validation::{FieldError, Invalid, Validator};
pub use waitlist::{WaitlistEntry, WaitlistRefusal, WaitlistStatus};
pub use webhook::{
    EventTypes, NewWebhook, WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX, Webhook, WebhookDelivery,
    WebhookDeliveryId, WebhookDeliveryStatus, WebhookId, WebhookPatch, WebhookSecret, WebhookUrl,
    is_public, new_webhook_message_id, webhook_payload,
};
