//! Enrichment: what a notice needs that its domain event does not carry.
//!
//! A domain event names the event and the booking by id and carries the event's title;
//! a message also needs the event's start in its own zone, the attendee's name, address
//! and language, and each recipient's channel choices. They are read here, from the
//! store every Boxoffice process shares. A deleted event's attendees and start travel in
//! the domain event itself (`farewell`), since their rows are gone by the time it is read.

use boxoffice_domain::{
    AttendeeId, BookingId, DomainEvent, DomainEventKind, EventId, PageRequest, UserId, Zone,
};
use boxoffice_store::{ChannelPreferences, Store, StoreError};
use chrono::{DateTime, Utc};

/// What messages say about the event.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    /// `None`: no address (a walk-in), so no e-mail.
    pub email: Option<String>,
    pub locale: String,
    pub channels: ChannelPreferences,
}

/// A domain event with everything its notices need.
#[derive(Debug, Clone)]
pub struct Enriched {
    pub event: EventFacts,
    /// The booking's attendee (booking events), with the booking's id.
    pub booker: Option<(BookingId, AttendeeId, Person)>,
    /// The attendees to tell about a changed or deleted event.
    pub attendees: Vec<(AttendeeId, Person)>,
    /// The event's organizer, if it has one.
    pub organizer: Option<(UserId, Person)>,
}

#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    /// Worth trying again: the store did not answer.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Reads what notices need.
#[derive(Debug, Clone)]
pub struct Enricher {
    store: Store,
}

impl Enricher {
    pub fn new(store: Store) -> Self {
        Enricher { store }
    }

    /// Everything the notices of `change` need; `None` when nobody is left to tell
    /// (the event or booking is gone, or the kind has no notices).
    pub async fn enrich(&self, change: &DomainEvent) -> Result<Option<Enriched>, EnrichError> {
        let event = match (&change.farewell, change.kind) {
            (_, DomainEventKind::EventCreated) => return Ok(None),
            (Some(farewell), DomainEventKind::EventDeleted) => {
                // Carried by the domain event: the rows are gone.
                let Ok(zone) = Zone::parse(&farewell.zone) else {
                    return Ok(None);
                };
                EventFacts {
                    id: change.event_id,
                    title: change.event_title.clone(),
                    zone,
                    start: farewell.start,
                    end: farewell.start,
                    location: None,
                    description: None,
                }
            }
            (None, DomainEventKind::EventDeleted) => return Ok(None),
            _ => match self.event(change.event_id).await? {
                Some(event) => event,
                None => return Ok(None),
            },
        };
        let booker = match change.booking_id {
            Some(booking) => match self.store.get_booking(booking).await? {
                Some((booking, _)) => self
                    .attendee(booking.attendee_id)
                    .await?
                    .map(|person| (booking.id, booking.attendee_id, person)),
                None => return Ok(None),
            },
            None => None,
        };
        let attendee_ids = match change.kind {
            DomainEventKind::EventUpdated => self.attendees_of(change.event_id).await?,
            DomainEventKind::EventDeleted => change
                .farewell
                .as_ref()
                .map(|f| f.attendees.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut attendees = Vec::with_capacity(attendee_ids.len());
        for id in attendee_ids {
            if let Some(person) = self.attendee(id).await? {
                attendees.push((id, person));
            }
        }
        let organizer = match change.owner_id {
            Some(owner) => self.user(owner).await?.map(|person| (owner, person)),
            None => None,
        };
        Ok(Some(Enriched {
            event,
            booker,
            attendees,
            organizer,
        }))
    }

    async fn event(&self, id: EventId) -> Result<Option<EventFacts>, EnrichError> {
        Ok(self.store.get_event(id).await?.map(|event| {
            let content = event.content;
            EventFacts {
                id,
                title: content.title.as_str().to_owned(),
                zone: content.zone,
                start: content.schedule.start(),
                end: content.schedule.ends_at(),
                location: Some(content.location.as_str().to_owned()),
                description: content.description,
            }
        }))
    }

    async fn attendee(&self, id: AttendeeId) -> Result<Option<Person>, EnrichError> {
        let Some(attendee) = self.store.get_attendee(id).await? else {
            return Ok(None);
        };
        let channels = self.store.attendee_preferences(id).await?;
        Ok(Some(Person {
            name: attendee.name.as_str().to_owned(),
            email: attendee.email.map(|e| e.as_str().to_owned()),
            locale: attendee.locale.as_str().to_owned(),
            channels,
        }))
    }

    async fn user(&self, id: UserId) -> Result<Option<Person>, EnrichError> {
        let Some(user) = self.store.get_user(id).await? else {
            return Ok(None);
        };
        let (channels, locale) = self.store.user_preferences(id).await?;
        Ok(Some(Person {
            name: user
                .full_name
                .unwrap_or_else(|| user.username.as_str().to_owned()),
            email: Some(user.email.as_str().to_owned()),
            locale: locale.unwrap_or_else(|| "en".to_owned()),
            channels,
        }))
    }

    /// Every attendee with a confirmed booking of `event`, page by page.
    async fn attendees_of(&self, event: EventId) -> Result<Vec<AttendeeId>, EnrichError> {
        let mut ids = Vec::new();
        for page in 1.. {
            let request = PageRequest::new(Some(page), Some(PageRequest::MAX_SIZE.into()))
                .expect("a valid page");
            let Some(found) = self.store.event_attendees(event, request).await? else {
                break;
            };
            let last = found.items.len() < PageRequest::MAX_SIZE as usize;
            ids.extend(found.items.into_iter().map(|a| a.id));
            if last {
                break;
            }
        }
        Ok(ids)
    }
}
