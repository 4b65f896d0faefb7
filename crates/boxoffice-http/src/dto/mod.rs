//! Wire types: what clients send and receive, with their OpenAPI schemas.
//!
//! Inputs are deliberately loose (strings, wide integers) so that every rule is
//! checked by the domain parsers and reported per field, never as a serde error.

mod attachments;
mod attendees;
mod auth;
mod bookings;
mod dashboard;
mod devices;
mod dialect;
mod event_query;
mod events;
mod holds;
mod internal;
mod magic_links;
mod notifications;
mod preferences;
mod tickets;
mod waitlist;
mod webhooks;

pub use attachments::*;
pub use attendees::*;
pub use auth::*;
pub use bookings::*;
pub use dashboard::*;
pub use devices::*;
pub use dialect::*;
pub use event_query::*;
pub use events::*;
pub use holds::*;
pub use internal::*;
pub use magic_links::*;
pub use notifications::*;
pub use preferences::*;
pub use tickets::*;
pub use waitlist::*;
pub use webhooks::*;

use boxoffice_domain::{Invalid, PageRequest};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Deserializes a field that distinguishes `null` (clear it) from absent (leave it).
pub(crate) fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `page` (1-based) and `page_size` (1 to 100).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, starting at 1.
    #[param(minimum = 1, default = 1)]
    pub page: Option<i64>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub page_size: Option<i64>,
}

impl PageQuery {
    pub fn to_request(&self) -> Result<PageRequest, Invalid> {
        PageRequest::new(self.page, self.page_size).map_err(|errors| {
            Invalid(
                errors
                    .into_iter()
                    .map(|(field, message)| boxoffice_domain::FieldError {
                        field: field.into(),
                        message,
                    })
                    .collect(),
            )
        })
    }
}

macro_rules! page_type {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Matching items across all pages.
            pub total: i64,
            pub page: u32,
            pub page_size: u32,
        }

        impl $name {
            pub fn new(page: boxoffice_domain::Page<$item>) -> Self {
                $name { total: page.total, page: page.request.page(), page_size: page.request.page_size(), items: page.items }
            }
        }
    };
}

page_type!(
    /// A page of events.
    EventPage,
    EventView
);
page_type!(
    /// A page of attendees.
    AttendeePage,
    AttendeeView
);
page_type!(
    /// A page of bookings.
    BookingPage,
    BookingView
);

page_type!(
    /// A page of an event's waitlist, first in line first.
    WaitlistPage,
    WaitlistEntryView
);

page_type!(
    /// A page of notifications, newest first.
    NotificationPage,
    NotificationView
);

page_type!(
    /// A page of webhook endpoints, oldest first.
    WebhookPage,
    WebhookView
);

page_type!(
    /// A page of webhook deliveries, newest first.
    WebhookDeliveryPage,
    WebhookDeliveryView
);

/// A short confirmation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}
