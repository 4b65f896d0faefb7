//! `POST /internal/enrichment`: the schemas of what a notification process sends and
//! receives. The handler reads and writes the notification service's own types
//! (`boxoffice_notify::enrich`); these structs document that JSON, and a test holds the
//! two together.

use super::NotificationType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A domain event's references: what enrichment starts from.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"kind": "booking.created", "event_id": 5, "event_title": "Rust Meetup",
    "booking_id": 12, "owner_id": 1, "farewell": null}))]
pub struct EnrichmentQuery {
    pub kind: NotificationType,
    pub event_id: i64,
    /// The event's title as the domain event carried it (a deleted event has no row left).
    pub event_title: String,
    pub booking_id: Option<i64>,
    pub owner_id: Option<i64>,
    /// What a deleted event left for its notices; absent or `null` otherwise.
    pub farewell: Option<FarewellView>,
}

/// A deleted event's confirmed attendees and start, captured before the rows went.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FarewellView {
    pub attendees: Vec<i64>,
    pub start: DateTime<Utc>,
    /// The event's IANA zone, e.g. `Europe/Paris`.
    pub zone: String,
}

/// Everything the notices of one domain event need.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnrichedView {
    pub event: EventFactsView,
    /// The booking's attendee (booking events).
    #[schema(required = true)]
    pub booker: Option<BookerView>,
    /// The attendees to tell about a changed or deleted event.
    pub attendees: Vec<AttendeeRecipientView>,
    /// The event's organizer, if it has one.
    #[schema(required = true)]
    pub organizer: Option<OrganizerView>,
}

/// What messages say about the event.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EventFactsView {
    pub id: i64,
    pub title: String,
    /// IANA zone the event happens in, e.g. `Europe/Paris`.
    pub zone: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[schema(required = true)]
    pub location: Option<String>,
    #[schema(required = true)]
    pub description: Option<String>,
}

/// Someone to tell, in their language, on the channels they chose.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonView {
    pub name: String,
    /// `null` for a walk-in: no e-mail.
    #[schema(required = true)]
    pub email: Option<String>,
    /// A language tag such as `fr-CA`.
    pub locale: String,
    pub channels: ChannelsView,
}

/// The channels a person wants.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChannelsView {
    pub websocket: bool,
    pub email: bool,
    pub push: bool,
}

/// The booking's attendee.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BookerView {
    pub booking_id: i64,
    pub attendee_id: i64,
    pub person: PersonView,
}

/// An attendee of the event.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttendeeRecipientView {
    pub attendee_id: i64,
    pub person: PersonView,
}

/// The event's organizer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganizerView {
    pub user_id: i64,
    pub person: PersonView,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

    use super::*;
    use boxoffice_domain::{
        AttendeeId, BookingId, DomainEventKind, EventId, Farewell, UserId, Zone,
    };
    use boxoffice_notify::enrich::{Enriched, EnrichmentRequest, EventFacts, Person};
    use boxoffice_store::ChannelPreferences;

    /// Reads `value` as `T` and writes it back unchanged: no field more, none less.
    fn same_shape<T: Serialize + serde::de::DeserializeOwned>(value: serde_json::Value) {
        let read: T = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(read).unwrap(), value);
    }

    #[test]
    fn the_schemas_describe_the_json_the_services_exchange() {
        let request = EnrichmentRequest {
            kind: DomainEventKind::EventDeleted,
            event_id: EventId(5),
            event_title: "Salon".into(),
            booking_id: Some(BookingId(9)),
            owner_id: Some(UserId(1)),
            farewell: Some(Farewell {
                attendees: vec![AttendeeId(3)],
                start: Utc::now(),
                zone: "Europe/Paris".into(),
            }),
        };
        same_shape::<EnrichmentQuery>(serde_json::to_value(&request).unwrap());
        let person = Person {
            name: "Amélie".into(),
            email: None,
            locale: "fr".into(),
            channels: ChannelPreferences::default(),
        };
        let facts = Enriched {
            event: EventFacts {
                id: EventId(5),
                title: "Salon".into(),
                zone: Zone::parse("Europe/Paris").unwrap(),
                start: Utc::now(),
                end: Utc::now(),
                location: Some("Paris".into()),
                description: None,
            },
            booker: Some((BookingId(9), AttendeeId(3), person.clone())),
            attendees: vec![(AttendeeId(3), person.clone())],
            organizer: Some((UserId(1), person)),
        };
        let json = serde_json::to_value(&facts).unwrap();
        same_shape::<EnrichedView>(json.clone());
        assert_eq!(serde_json::from_value::<Enriched>(json).unwrap(), facts);
    }
}
