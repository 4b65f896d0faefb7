//! Enrichment from the store: the one place that knows how to gather what notices need.
//!
//! Attendees come with their channel choices in one query per batch (`Store::recipients`,
//! `Store::confirmed_recipients`), so an event with thousands of attendees costs a few
//! round trips, not two per attendee.

use super::{EnrichError, Enriched, EnrichmentRequest, EventFacts, Person};
use boxoffice_domain::{DomainEventKind, EventId, UserId, Zone};
use boxoffice_store::{Recipient, Store};

/// Reads what notices need from the store.
#[derive(Debug, Clone)]
pub struct StoreFacts {
    store: Store,
}

impl StoreFacts {
    pub fn new(store: Store) -> Self {
        StoreFacts { store }
    }

    /// Everything the notices of `request` need; `None` when nobody is left to tell
    /// (the event or booking is gone, or the kind has no notices).
    pub async fn gather(
        &self,
        request: &EnrichmentRequest,
    ) -> Result<Option<Enriched>, EnrichError> {
        let event = match (&request.farewell, request.kind) {
            (_, DomainEventKind::EventCreated) => return Ok(None),
            (Some(farewell), DomainEventKind::EventDeleted) => {
                // Carried by the domain event: the rows are gone.
                let Ok(zone) = Zone::parse(&farewell.zone) else {
                    return Ok(None);
                };
                EventFacts {
                    id: request.event_id,
                    title: request.event_title.clone(),
                    zone,
                    start: farewell.start,
                    end: farewell.start,
                    location: None,
                    description: None,
                }
            }
            (None, DomainEventKind::EventDeleted) => return Ok(None),
            _ => match self.event(request.event_id).await? {
                Some(event) => event,
                None => return Ok(None),
            },
        };
        let booker = match request.booking_id {
            Some(booking) => match self.store.get_booking(booking).await? {
                Some((booking, _)) => self
                    .store
                    .recipients(&[booking.attendee_id])
                    .await?
                    .into_iter()
                    .next()
                    .map(|found| (booking.id, booking.attendee_id, person(found))),
                None => return Ok(None),
            },
            None => None,
        };
        let recipients = match request.kind {
            DomainEventKind::EventUpdated => {
                self.store.confirmed_recipients(request.event_id).await?
            }
            DomainEventKind::EventDeleted => match &request.farewell {
                Some(farewell) => self.store.recipients(&farewell.attendees).await?,
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        let attendees = recipients
            .into_iter()
            .map(|found| (found.attendee.id, person(found)))
            .collect();
        let organizer = match request.owner_id {
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
}

fn person(found: Recipient) -> Person {
    let attendee = found.attendee;
    Person {
        name: attendee.name.as_str().to_owned(),
        email: attendee.email.map(|e| e.as_str().to_owned()),
        locale: attendee.locale.as_str().to_owned(),
        channels: found.channels,
    }
}
