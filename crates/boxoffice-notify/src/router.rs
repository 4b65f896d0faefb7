//! Routing: who hears about a domain event, on which channels, in which language.
//!
//! | domain event | attendees | organizer | followers |
//! |---|---|---|---|
//! | `booking.created` | the booker: confirmation, `.ics`, ticket QR code (PNG), manage link (e-mail) | new booking (e-mail, push) | |
//! | `booking.cancelled` | the booker: cancellation (e-mail) | cancellation (e-mail, push) | |
//! | `booking.promoted` | the first on the waitlist: "a seat is yours", `.ics`, manage link (e-mail) | new booking (e-mail, push) | |
//! | `event.updated` | every confirmed attendee: change notice (e-mail) | | push |
//! | `event.deleted` | every attendee it had: cancellation notice (e-mail) | | push |
//!
//! The WebSocket channel is the hub's (every process delivers to its own connections);
//! e-mail and push happen here, once across all processes. Each recipient's channel
//! choices are honoured: a channel turned off is recorded as skipped.

use crate::enrich::{Enriched, EventFacts, Person};
use boxoffice_channels::ics::{CalendarEvent, calendar};
use boxoffice_channels::qr::QrImage;
use boxoffice_channels::{
    Channel, DeliveryAttempt, MailAttachment, Notice, OutgoingMail, Placeholder, Placeholders,
    PushNote,
};
use boxoffice_domain::{BookingId, DomainEvent, DomainEventKind, PublicUrl, TicketKey, UserId};
use std::collections::BTreeMap;

/// One message to send.
#[derive(Debug, Clone)]
pub enum Send {
    Email {
        notice: Notice,
        mail: Box<OutgoingMail>,
    },
    Push {
        notice: Notice,
        user: UserId,
        note: PushNote,
    },
    /// Not sent on purpose; recorded so the history says why.
    Skip {
        notice: Notice,
        attempt: DeliveryAttempt,
    },
}

impl Send {
    pub fn notice(&self) -> Notice {
        match self {
            Send::Email { notice, .. } | Send::Push { notice, .. } | Send::Skip { notice, .. } => {
                *notice
            }
        }
    }

    /// The channel and recipient, which identify the delivery across retries.
    pub fn key(&self) -> (Channel, String) {
        match self {
            Send::Email { mail, .. } => (Channel::Email, mail.to_address.clone()),
            Send::Push { user, .. } => (Channel::Push, format!("user:{}", user.0)),
            Send::Skip { attempt, .. } => (attempt.channel, attempt.recipient.clone()),
        }
    }
}

/// Builds the messages of one enriched domain event.
#[derive(Debug)]
pub struct Plan<'a> {
    pub change: &'a DomainEvent,
    pub facts: &'a Enriched,
    pub public_url: Option<&'a PublicUrl>,
    pub templates: &'a boxoffice_channels::Templates,
    pub mail_configured: bool,
    pub push_configured: bool,
    /// Signs the ticket attached to a booking confirmation; `None`: no ticket attached.
    pub tickets: Option<&'a TicketKey>,
}

impl Plan<'_> {
    pub fn sends(&self) -> Vec<Send> {
        let mut sends = Vec::new();
        let facts = self.facts;
        let event_link = self.link(&format!("/app/events/{}", facts.event.id.0));
        let manage_link = self.link("/app/bookings");
        match self.change.kind {
            DomainEventKind::EventCreated
            | DomainEventKind::SeatsHeld
            | DomainEventKind::SeatsReleased => {}
            DomainEventKind::BookingCreated
            | DomainEventKind::BookingCancelled
            | DomainEventKind::BookingPromoted => {
                let (notice, organizer_notice) = match self.change.kind {
                    DomainEventKind::BookingCancelled => {
                        (Notice::BookingCancelled, Notice::OrganizerBookingCancelled)
                    }
                    DomainEventKind::BookingPromoted => {
                        (Notice::WaitlistPromoted, Notice::OrganizerNewBooking)
                    }
                    _ => (Notice::BookingConfirmed, Notice::OrganizerNewBooking),
                };
                let confirmed = notice != Notice::BookingCancelled;
                if let Some((booking, _, person)) = &facts.booker {
                    let files = if confirmed {
                        let invite = invite(&facts.event, booking.0, self.public_url);
                        let ticket = self.tickets.and_then(|key| ticket(key, *booking));
                        std::iter::once(invite).chain(ticket).collect()
                    } else {
                        Vec::new()
                    };
                    let link = if confirmed { &manage_link } else { &event_link };
                    sends.extend(self.email(notice, person, None, link, files));
                }
                if let Some((user, organizer)) = &facts.organizer {
                    let booker = facts.booker.as_ref().map(|(_, _, p)| p.name.as_str());
                    let notice = organizer_notice;
                    sends.extend(self.email(notice, organizer, booker, &event_link, Vec::new()));
                    sends.push(self.push(notice, *user, organizer, booker));
                }
            }
            DomainEventKind::EventUpdated | DomainEventKind::EventDeleted => {
                let notice = if self.change.kind == DomainEventKind::EventUpdated {
                    Notice::EventChanged
                } else {
                    Notice::EventCancelled
                };
                for (_, person) in &facts.attendees {
                    sends.extend(self.email(notice, person, None, &manage_link, Vec::new()));
                }
                // Followers (and the organizer) already see it live; push reaches their phones.
                if let boxoffice_domain::Audience::Users(users) = &self.change.audience {
                    for user in users {
                        let person = facts
                            .organizer
                            .as_ref()
                            .filter(|(owner, _)| owner == user)
                            .map(|(_, p)| p);
                        let locale = person.map_or("en", |p| p.locale.as_str());
                        let wanted = person.is_none_or(|p| p.channels.push);
                        sends.push(if wanted {
                            self.push_in(notice, *user, locale, "", None)
                        } else {
                            skip(notice, Channel::Push, *user, "turned off by the recipient")
                        });
                    }
                }
            }
        }
        sends
    }

    /// Links open the web app's pages (under `/app`), which a person can read, not the API's JSON.
    fn link(&self, path: &str) -> String {
        self.public_url
            .map_or_else(|| path.to_owned(), |url| url.link(path))
    }

    fn values(&self, person_name: &str, attendee: Option<&str>, link: &str) -> Placeholders {
        let event = &self.facts.event;
        let mut values = Placeholders::new()
            .with(Placeholder::RecipientName, person_name)
            .with(Placeholder::EventTitle, event.title.clone())
            .with(Placeholder::StartsAt, event.starts_at())
            .with(Placeholder::Link, link);
        if let Some(attendee) = attendee {
            values = values.with(Placeholder::AttendeeName, attendee);
        }
        values
    }

    fn email(
        &self,
        notice: Notice,
        person: &Person,
        attendee: Option<&str>,
        link: &str,
        attachments: Vec<MailAttachment>,
    ) -> Option<Send> {
        let Some(address) = &person.email else {
            // A walk-in without an address: nothing to send, nothing to record.
            return None;
        };
        if !person.channels.email {
            return Some(Send::Skip {
                notice,
                attempt: DeliveryAttempt::skipped(
                    Channel::Email,
                    address,
                    "turned off by the recipient",
                ),
            });
        }
        if !self.mail_configured {
            return Some(Send::Skip {
                notice,
                attempt: DeliveryAttempt::skipped(
                    Channel::Email,
                    address,
                    "e-mail is not configured",
                ),
            });
        }
        let values = self.values(&person.name, attendee, link);
        match self.templates.render(notice, &person.locale, &values) {
            Ok(content) => Some(Send::Email {
                notice,
                mail: Box::new(OutgoingMail {
                    to_name: person.name.clone(),
                    to_address: address.clone(),
                    content,
                    attachments,
                }),
            }),
            Err(err) => Some(Send::Skip {
                notice,
                attempt: DeliveryAttempt::failed(Channel::Email, address, err.to_string(), 1),
            }),
        }
    }

    fn push(&self, notice: Notice, user: UserId, person: &Person, attendee: Option<&str>) -> Send {
        if !person.channels.push {
            return skip(notice, Channel::Push, user, "turned off by the recipient");
        }
        self.push_in(notice, user, &person.locale, &person.name, attendee)
    }

    /// The push note is the message's subject and first paragraph, in the recipient's language.
    fn push_in(
        &self,
        notice: Notice,
        user: UserId,
        locale: &str,
        name: &str,
        attendee: Option<&str>,
    ) -> Send {
        if !self.push_configured {
            return skip(notice, Channel::Push, user, "push is not configured");
        }
        let link = self.link(&format!("/app/events/{}", self.facts.event.id.0));
        let values = self.values(name, Some(attendee.unwrap_or("")), &link);
        match self.templates.render(notice, locale, &values) {
            Ok(content) => {
                let body = content
                    .text
                    .split("\n\n")
                    .nth(1)
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                let data = BTreeMap::from([
                    (
                        "notification".to_owned(),
                        self.change.kind.as_str().to_owned(),
                    ),
                    ("event_id".to_owned(), self.facts.event.id.0.to_string()),
                    ("link".to_owned(), link),
                ]);
                Send::Push {
                    notice,
                    user,
                    note: PushNote {
                        title: content.subject,
                        body,
                        data,
                    },
                }
            }
            Err(err) => Send::Skip {
                notice,
                attempt: DeliveryAttempt::failed(
                    Channel::Push,
                    format!("user:{}", user.0),
                    err.to_string(),
                    1,
                ),
            },
        }
    }
}

fn skip(notice: Notice, channel: Channel, user: UserId, why: &str) -> Send {
    Send::Skip {
        notice,
        attempt: DeliveryAttempt::skipped(channel, format!("user:{}", user.0), why),
    }
}

/// The calendar file of a booking confirmation.
fn invite(event: &EventFacts, booking: i64, public_url: Option<&PublicUrl>) -> MailAttachment {
    let host = public_url
        .and_then(|url| url::Url::parse(url.as_str()).ok())
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "boxoffice.invalid".to_owned());
    let ics = calendar(&CalendarEvent {
        // Stable per event and booking, so a calendar replaces rather than duplicates it.
        uid: format!("event-{}-booking-{booking}@{host}", event.id.0),
        title: event.title.clone(),
        description: event.description.clone(),
        location: event.location.clone(),
        url: public_url.map(|url| url.link(&format!("/app/events/{}", event.id.0))),
        zone: event.zone,
        start: event.start,
        end: event.end,
        stamp: chrono::Utc::now(),
        cancelled: false,
    });
    MailAttachment {
        filename: "invite.ics".to_owned(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".to_owned(),
        body: ics.into_bytes(),
    }
}

/// The ticket of a booking confirmation: its QR code as a PNG, which every mail client shows.
fn ticket(key: &TicketKey, booking: BookingId) -> Option<MailAttachment> {
    let code = key.issue(booking);
    let image = QrImage::of(code.as_str())
        .inspect_err(|err| tracing::error!(booking.id = %booking, error = %err, "no ticket image"))
        .ok()?;
    Some(MailAttachment {
        filename: "ticket.png".to_owned(),
        content_type: "image/png".to_owned(),
        body: image.png(),
    })
}
