//! Enrichment: what a notice needs that its domain event does not carry.
//!
//! A domain event names the event and the booking by id and carries the event's title;
//! a message also needs the event's start in its own zone, the attendee's name, address
//! and language, and each recipient's channel choices. [`StoreFacts`] gathers them from
//! the store, and is the only code that knows how. A process running both services reads
//! its own store; a notification process running apart asks the event service, which
//! answers with the same [`StoreFacts`] behind `POST /internal/enrichment`
//! ([`EventServiceClient`]).

mod remote;
mod store;

pub use remote::{EventServiceClient, EventServiceSettings};
pub use store::StoreFacts;

use boxoffice_domain::{
    AttendeeId, BookingId, DomainEvent, DomainEventKind, EventId, Farewell, UserId, Zone,
};
use boxoffice_store::{ChannelPreferences, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// What messages say about the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFacts {
    pub id: EventId,
    pub title: String,
    pub zone: Zone,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub location: Option<String>,
    pub description: Option<String>,
}

impl EventFacts {
    /// The start as people at the event read it: `2026-12-05 19:00 (Europe/Paris)`.
    pub fn starts_at(&self) -> String {
        format!(
            "{} ({})",
            self.zone.render(self.start).format("%Y-%m-%d %H:%M"),
            self.zone.name()
        )
    }
}

/// Someone to tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    /// `None`: no address (a walk-in), so no e-mail.
    pub email: Option<String>,
    pub locale: String,
    pub channels: ChannelPreferences,
}

/// A domain event with everything its notices need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "wire::Enriched", into = "wire::Enriched")]
pub struct Enriched {
    pub event: EventFacts,
    /// The booking's attendee (booking events), with the booking's id.
    pub booker: Option<(BookingId, AttendeeId, Person)>,
    /// The attendees to tell about a changed or deleted event.
    pub attendees: Vec<(AttendeeId, Person)>,
    /// The event's organizer, if it has one.
    pub organizer: Option<(UserId, Person)>,
}

/// What enrichment needs of a domain event: its references, and what a deletion
/// carried along because the rows are gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrichmentRequest {
    pub kind: DomainEventKind,
    pub event_id: EventId,
    /// Kept for a deleted event, whose row is gone.
    pub event_title: String,
    pub booking_id: Option<BookingId>,
    pub owner_id: Option<UserId>,
    pub farewell: Option<Farewell>,
}

impl From<&DomainEvent> for EnrichmentRequest {
    fn from(change: &DomainEvent) -> Self {
        EnrichmentRequest {
            kind: change.kind,
            event_id: change.event_id,
            event_title: change.event_title.clone(),
            booking_id: change.booking_id,
            owner_id: change.owner_id,
            farewell: change.farewell.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    /// Worth trying again: the store did not answer.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// Worth trying again: the event service did not answer, failed, or refused the call.
    #[error("event service: {0}")]
    EventService(String),
}

/// Where the facts come from, as logs and metrics name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// This process's store.
    Store,
    /// The event service's `POST /internal/enrichment`.
    EventService,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Store => "store",
            Source::EventService => "event-service",
        }
    }
}

/// Gathers what notices need, from the store or from the event service.
#[derive(Debug, Clone)]
pub enum Enricher {
    Store(StoreFacts),
    EventService(EventServiceClient),
}

impl Enricher {
    pub fn source(&self) -> Source {
        match self {
            Enricher::Store(_) => Source::Store,
            Enricher::EventService(_) => Source::EventService,
        }
    }

    /// Everything the notices of `change` need; `None` when nobody is left to tell (the
    /// event or booking is gone, or the kind has no notices). Counted in
    /// `boxoffice_enrichment_total{source, outcome}` and timed in
    /// `boxoffice_enrichment_seconds{source}`.
    pub async fn enrich(&self, change: &DomainEvent) -> Result<Option<Enriched>, EnrichError> {
        if change.kind == DomainEventKind::EventCreated || !change.kind.is_notice() {
            return Ok(None);
        }
        let request = EnrichmentRequest::from(change);
        let started = Instant::now();
        let result = match self {
            Enricher::Store(facts) => facts.gather(&request).await,
            Enricher::EventService(client) => client.enrich(&request).await,
        };
        let source = self.source().as_str();
        let outcome = match &result {
            Ok(Some(_)) => "enriched",
            Ok(None) => "nothing_to_send",
            Err(_) => "failed",
        };
        metrics::counter!("boxoffice_enrichment_total", "source" => source, "outcome" => outcome)
            .increment(1);
        metrics::histogram!("boxoffice_enrichment_seconds", "source" => source)
            .record(started.elapsed().as_secs_f64());
        result
    }
}

/// The JSON shape of [`Enriched`]: named fields where the type has tuples.
mod wire {
    use super::{EventFacts, Person};
    use boxoffice_domain::{AttendeeId, BookingId, UserId};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Enriched {
        event: EventFacts,
        booker: Option<Booker>,
        attendees: Vec<Attendee>,
        organizer: Option<Organizer>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct Booker {
        booking_id: BookingId,
        attendee_id: AttendeeId,
        person: Person,
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct Attendee {
        attendee_id: AttendeeId,
        person: Person,
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct Organizer {
        user_id: UserId,
        person: Person,
    }

    impl From<super::Enriched> for Enriched {
        fn from(facts: super::Enriched) -> Self {
            Enriched {
                event: facts.event,
                booker: facts
                    .booker
                    .map(|(booking_id, attendee_id, person)| Booker {
                        booking_id,
                        attendee_id,
                        person,
                    }),
                attendees: facts
                    .attendees
                    .into_iter()
                    .map(|(attendee_id, person)| Attendee {
                        attendee_id,
                        person,
                    })
                    .collect(),
                organizer: facts
                    .organizer
                    .map(|(user_id, person)| Organizer { user_id, person }),
            }
        }
    }

    impl From<Enriched> for super::Enriched {
        fn from(wire: Enriched) -> Self {
            super::Enriched {
                event: wire.event,
                booker: wire.booker.map(|b| (b.booking_id, b.attendee_id, b.person)),
                attendees: wire
                    .attendees
                    .into_iter()
                    .map(|a| (a.attendee_id, a.person))
                    .collect(),
                organizer: wire.organizer.map(|o| (o.user_id, o.person)),
            }
        }
    }
}
