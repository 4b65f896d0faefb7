//! Message templates: one per notice and language, embedded in the binary.
//!
//! A notice's template (`templates/<language>/<notice>.txt`) is plain text in four
//! blocks: `subject`, `greeting`, `body` (paragraphs split by a blank line) and
//! `action` (the label of the link, empty when there is none). The blocks are rendered
//! once, then laid out twice: as the plain-text part (`layout.txt`) and as the HTML
//! part (`layout.html`, where everything is escaped), so both parts always say the same.

use crate::Language;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a message tells its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// To an attendee: the booking is made (with the calendar file).
    BookingConfirmed,
    /// To an attendee: the booking is cancelled.
    BookingCancelled,
    /// To an attendee: the event they booked changed.
    EventChanged,
    /// To an attendee: the event they booked is cancelled or deleted.
    EventCancelled,
    /// To an organizer: someone booked their event.
    OrganizerNewBooking,
    /// To an organizer: someone cancelled a booking of their event.
    OrganizerBookingCancelled,
    /// To an attendee who asked: a single-use sign-in link.
    MagicLink,
    /// To an attendee: a freed seat went to them, first on the waitlist (with the calendar file).
    WaitlistPromoted,
}

impl Notice {
    pub const ALL: [Notice; 8] = [
        Notice::BookingConfirmed,
        Notice::BookingCancelled,
        Notice::EventChanged,
        Notice::EventCancelled,
        Notice::OrganizerNewBooking,
        Notice::OrganizerBookingCancelled,
        Notice::MagicLink,
        Notice::WaitlistPromoted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Notice::BookingConfirmed => "booking_confirmed",
            Notice::BookingCancelled => "booking_cancelled",
            Notice::EventChanged => "event_changed",
            Notice::EventCancelled => "event_cancelled",
            Notice::OrganizerNewBooking => "organizer_new_booking",
            Notice::OrganizerBookingCancelled => "organizer_booking_cancelled",
            Notice::MagicLink => "magic_link",
            Notice::WaitlistPromoted => "waitlist_promoted",
        }
    }

    /// The placeholders every language's template of this notice must show.
    pub fn placeholders(self) -> &'static [Placeholder] {
        use Placeholder::*;
        match self {
            Notice::BookingConfirmed | Notice::EventChanged | Notice::WaitlistPromoted => {
                &[RecipientName, EventTitle, StartsAt, Link]
            }
            Notice::BookingCancelled | Notice::EventCancelled => {
                &[RecipientName, EventTitle, StartsAt]
            }
            Notice::OrganizerNewBooking | Notice::OrganizerBookingCancelled => {
                &[RecipientName, EventTitle, StartsAt, AttendeeName]
            }
            Notice::MagicLink => &[RecipientName, Link, ValidMinutes],
        }
    }
}

/// A piece of dynamic content a template shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    RecipientName,
    EventTitle,
    /// The start in the event's own zone, e.g. `2026-12-05 19:00 (Europe/Paris)`.
    StartsAt,
    AttendeeName,
    /// The link the message leads to (manage the booking, see the event, sign in).
    Link,
    ValidMinutes,
}

impl Placeholder {
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::RecipientName => "recipient_name",
            Placeholder::EventTitle => "event_title",
            Placeholder::StartsAt => "starts_at",
            Placeholder::AttendeeName => "attendee_name",
            Placeholder::Link => "link",
            Placeholder::ValidMinutes => "valid_minutes",
        }
    }
}

/// The values of a message's placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placeholders(BTreeMap<Placeholder, String>);

impl Placeholders {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, placeholder: Placeholder, value: impl Into<String>) -> Self {
        self.0.insert(placeholder, value.into());
        self
    }

    pub fn get(&self, placeholder: Placeholder) -> Option<&str> {
        self.0.get(&placeholder).map(String::as_str)
    }

    fn to_value(&self) -> Value {
        let map: BTreeMap<&str, &str> =
            self.0.iter().map(|(k, v)| (k.name(), v.as_str())).collect();
        Value::from(minijinja::value::Serde(&map))
    }
}

/// A rendered message: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub language: Language,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("no template {0}")]
    Missing(String),
    #[error("the {notice} notice needs the placeholder {placeholder}")]
    MissingPlaceholder {
        notice: &'static str,
        placeholder: &'static str,
    },
    #[error("template {template}: {source}")]
    Render {
        template: String,
        source: minijinja::Error,
    },
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// Every template file, embedded at build time.
const FILES: &[(&str, &str)] = embedded![
    "layout.txt",
    "layout.html",
    "en/booking_confirmed.txt",
    "en/booking_cancelled.txt",
    "en/event_changed.txt",
    "en/event_cancelled.txt",
    "en/organizer_new_booking.txt",
    "en/organizer_booking_cancelled.txt",
    "en/magic_link.txt",
    "en/waitlist_promoted.txt",
    "fr/booking_confirmed.txt",
    "fr/booking_cancelled.txt",
    "fr/event_changed.txt",
    "fr/event_cancelled.txt",
    "fr/organizer_new_booking.txt",
    "fr/organizer_booking_cancelled.txt",
    "fr/magic_link.txt",
    "fr/waitlist_promoted.txt",
    "de/booking_confirmed.txt",
    "de/booking_cancelled.txt",
    "de/event_changed.txt",
    "de/event_cancelled.txt",
    "de/organizer_new_booking.txt",
    "de/organizer_booking_cancelled.txt",
    "de/magic_link.txt",
    "de/waitlist_promoted.txt",
    "es/booking_confirmed.txt",
    "es/booking_cancelled.txt",
    "es/event_changed.txt",
    "es/event_cancelled.txt",
    "es/organizer_new_booking.txt",
    "es/organizer_booking_cancelled.txt",
    "es/magic_link.txt",
    "es/waitlist_promoted.txt",
    "hi/booking_confirmed.txt",
    "hi/booking_cancelled.txt",
    "hi/event_changed.txt",
    "hi/event_cancelled.txt",
    "hi/organizer_new_booking.txt",
    "hi/organizer_booking_cancelled.txt",
    "hi/magic_link.txt",
    "hi/waitlist_promoted.txt",
];

/// The compiled templates; build once and share.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

impl Templates {
    pub fn new() -> Self {
        let mut env = Environment::new();
        // A misspelt placeholder is an error, never an empty gap in a message.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Only the HTML layout escapes; notice blocks are plain text escaped by that layout.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        for (name, source) in FILES {
            env.add_template(name, source)
                .expect("embedded templates compile");
        }
        Templates { env }
    }

    /// Whether `language` has its own template for `notice` (no fallback).
    pub fn has(&self, notice: Notice, language: Language) -> bool {
        self.env.get_template(&Self::name(notice, language)).is_ok()
    }

    fn name(notice: Notice, language: Language) -> String {
        format!("{}/{}.txt", language.code(), notice.name())
    }

    /// Renders `notice` in the language of `locale` (`fr-CA` -> `fr` -> `en`).
    pub fn render(
        &self,
        notice: Notice,
        locale: &str,
        values: &Placeholders,
    ) -> Result<Rendered, TemplateError> {
        for placeholder in notice.placeholders() {
            if values.get(*placeholder).is_none() {
                return Err(TemplateError::MissingPlaceholder {
                    notice: notice.name(),
                    placeholder: placeholder.name(),
                });
            }
        }
        let mut language = Language::for_locale(locale);
        if !self.has(notice, language) {
            language = Language::FALLBACK;
        }
        let name = Self::name(notice, language);
        let failed = |source| TemplateError::Render {
            template: name.clone(),
            source,
        };
        let template = self
            .env
            .get_template(&name)
            .map_err(|_| TemplateError::Missing(name.clone()))?;
        let mut captured = template
            .render_captured(values.to_value())
            .map_err(failed)?;
        let mut block = |block: &str| {
            captured
                .with_state_mut(|state| state.render_block(block))
                .map(|text| text.trim().to_owned())
        };
        let subject = block("subject").map_err(failed)?;
        let greeting = block("greeting").map_err(failed)?;
        let body = block("body").map_err(failed)?;
        let action = block("action").map_err(failed)?;
        let paragraphs: Vec<&str> = body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let link = if action.is_empty() {
            None
        } else {
            values.get(Placeholder::Link)
        };
        let layout = Value::from(minijinja::value::Serde(LayoutValues {
            lang: language.code(),
            subject: &subject,
            greeting: &greeting,
            paragraphs,
            action: &action,
            link,
        }));
        let lay_out = |name: &str| {
            self.env
                .get_template(name)
                .and_then(|t| t.render(&layout))
                .map_err(|source| TemplateError::Render {
                    template: name.to_owned(),
                    source,
                })
        };
        Ok(Rendered {
            language,
            text: lay_out("layout.txt")?,
            html: lay_out("layout.html")?,
            subject,
        })
    }
}

#[derive(Serialize)]
struct LayoutValues<'a> {
    lang: &'static str,
    subject: &'a str,
    greeting: &'a str,
    paragraphs: Vec<&'a str>,
    action: &'a str,
    link: Option<&'a str>,
}

#[cfg(test)]
mod tests;
