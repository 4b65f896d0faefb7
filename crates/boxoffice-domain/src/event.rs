//! Events: what can be booked, by whom, and when.

use crate::{Country, EventId, Invalid, Schedule, UserId, Validator, Zone};
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

fn trimmed_text(input: &str, max: usize) -> Result<String, String> {
    crate::single_line(input)?;
    let text = input.trim();
    if text.is_empty() {
        return Err("must not be blank".into());
    }
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(text.to_owned())
}

/// An event title: 1 to 100 characters, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub const MAX: usize = 100;
    pub fn parse(input: &str) -> Result<Self, String> {
        trimmed_text(input, Self::MAX).map(Title)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free-text venue within the event's country (locations are country-based: no street address required).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location(String);

impl Location {
    pub const MAX: usize = 200;
    pub fn parse(input: &str) -> Result<Self, String> {
        trimmed_text(input, Self::MAX).map(Location)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Seats an event offers: 1 to 1,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Capacity(i32);

impl Capacity {
    pub const MAX: i64 = 1_000_000;
    pub fn new(seats: i64) -> Result<Self, String> {
        if (1..=Self::MAX).contains(&seats) {
            Ok(Capacity(seats as i32))
        } else {
            Err(format!("must be between 1 and {}", Self::MAX))
        }
    }
    pub fn get(self) -> i32 {
        self.0
    }
}

/// A label for filtering, stored lower-case: 1 to 50 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    pub const MAX: usize = 50;
    pub fn parse(input: &str) -> Result<Self, String> {
        trimmed_text(input, Self::MAX).map(|t| Tag(t.to_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Up to 20 distinct tags, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<Tag>);

impl Tags {
    pub const MAX: usize = 20;
    pub fn parse(inputs: &[String]) -> Result<Self, String> {
        if inputs.len() > Self::MAX {
            return Err(format!("at most {} tags", Self::MAX));
        }
        let mut tags: Vec<Tag> = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let tag = Tag::parse(input).map_err(|e| format!("tag {i} {e}"))?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Ok(Tags(tags))
    }
    /// Tags read back from storage, already valid.
    pub fn from_stored(tags: Vec<String>) -> Self {
        Tags(tags.into_iter().map(Tag).collect())
    }
    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(|t| t.0.clone()).collect()
    }
}

/// Lifecycle of an event; only `scheduled` events take bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventStatus {
    #[default]
    Scheduled,
    Canceled,
    Completed,
}

impl EventStatus {
    pub const ALL: [EventStatus; 3] = [
        EventStatus::Scheduled,
        EventStatus::Canceled,
        EventStatus::Completed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Scheduled => "scheduled",
            EventStatus::Canceled => "canceled",
            EventStatus::Completed => "completed",
        }
    }
}

impl EventStatus {
    /// Why an event in this status, ended or not, takes no booking; `None` if it takes them.
    pub fn unbookable_reason(self, ended: bool) -> Option<String> {
        match self {
            EventStatus::Scheduled if ended => Some("the event has already ended".into()),
            EventStatus::Scheduled => None,
            other => Some(format!("the event is {other}")),
        }
    }
}

impl FromStr for EventStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        EventStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not one of scheduled, canceled, completed"))
    }
}

impl fmt::Display for EventStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A GeoJSON point, longitude first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    lon: f64,
    lat: f64,
}

impl Coordinates {
    pub fn new(lon: f64, lat: f64) -> Result<Self, String> {
        if !(-180.0..=180.0).contains(&lon) {
            return Err("longitude must be between -180 and 180".into());
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err("latitude must be between -90 and 90".into());
        }
        Ok(Coordinates { lon, lat })
    }
    pub fn lon(&self) -> f64 {
        self.lon
    }
    pub fn lat(&self) -> f64 {
        self.lat
    }
}

/// Parses an optional http(s) URL of at most 2,048 characters.
fn parse_attachment_url(input: &str) -> Result<String, String> {
    crate::single_line(input)?;
    let text = input.trim();
    if text.len() > 2048 {
        return Err("must be at most 2048 characters".into());
    }
    let url = url::Url::parse(text).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    Ok(url.to_string())
}

/// The content of an event that organizers write; valid as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub title: Title,
    pub description: Option<String>,
    pub location: Location,
    pub country: Country,
    pub zone: Zone,
    pub schedule: Schedule,
    /// `None`: unlimited seats.
    pub capacity: Option<Capacity>,
    pub tags: Tags,
    pub status: EventStatus,
    pub coordinates: Option<Coordinates>,
    pub attachment_url: Option<String>,
}

/// Maximum length of a description.
pub const DESCRIPTION_MAX: usize = 5000;

pub(crate) fn parse_description(input: &str) -> Result<Option<String>, String> {
    crate::multi_line(input)?;
    let text = input.trim();
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(format!("must be at most {DESCRIPTION_MAX} characters"));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

impl NewEvent {
    /// Parses a description; blank text means none.
    pub fn parse_description(input: &str) -> Result<Option<String>, String> {
        parse_description(input)
    }

    pub fn parse_attachment_url(input: &str) -> Result<String, String> {
        parse_attachment_url(input)
    }

    /// Rules that only apply when an event is created.
    pub fn check_creatable(&self, now: DateTime<Utc>) -> Result<(), Invalid> {
        if self.schedule.start() < now {
            return Err(Invalid::field("start_time", "must not be in the past"));
        }
        Ok(())
    }
}

/// A stored event with its live seat count.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub content: NewEvent,
    pub seats_booked: i32,
    pub owner_id: Option<UserId>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The uploaded file, if any; it takes precedence over `content.attachment_url`.
    pub attachment: Option<crate::Attachment>,
}

impl Event {
    /// Seats still free; `None` for an event without a seat limit.
    pub fn seats_available(&self) -> Option<i32> {
        self.content
            .capacity
            .map(|capacity| capacity.get() - self.seats_booked)
    }

    /// Why this event takes no booking at `now`, if it does not.
    pub fn unbookable_reason(&self, now: DateTime<Utc>) -> Option<String> {
        let ended = self.content.schedule.has_ended(now);
        self.content.status.unbookable_reason(ended)
    }

    /// Applies a partial update, re-checking the rules that span fields.
    pub fn apply(&self, patch: EventPatch, now: DateTime<Utc>) -> Result<NewEvent, Invalid> {
        let current = &self.content;
        let mut v = Validator::new();
        let zone = patch.zone.unwrap_or(current.zone);
        let start = patch.start.unwrap_or(current.schedule.start());
        let end = patch.end.unwrap_or(current.schedule.end());
        let field = if matches!(patch.end, Some(Some(_))) {
            "end_time"
        } else {
            "start_time"
        };
        let schedule = v.check(field, Schedule::new(start, end, zone));
        if patch.start.is_some() && start < now && start != current.schedule.start() {
            v.fail("start_time", "must not be in the past");
        }
        let capacity = patch.capacity.unwrap_or(current.capacity);
        if let Some(limit) = capacity
            && limit.get() < self.seats_booked
        {
            v.fail(
                "capacity",
                format!(
                    "must not be below the {} seats already booked",
                    self.seats_booked
                ),
            );
        }
        v.finish()?;
        Ok(NewEvent {
            title: patch.title.unwrap_or_else(|| current.title.clone()),
            description: patch
                .description
                .unwrap_or_else(|| current.description.clone()),
            location: patch.location.unwrap_or_else(|| current.location.clone()),
            country: patch.country.unwrap_or(current.country),
            zone,
            schedule: schedule.expect("checked above"),
            capacity,
            tags: patch.tags.unwrap_or_else(|| current.tags.clone()),
            status: patch.status.unwrap_or(current.status),
            coordinates: patch.coordinates.unwrap_or(current.coordinates),
            attachment_url: patch
                .attachment_url
                .unwrap_or_else(|| current.attachment_url.clone()),
        })
    }
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventPatch {
    pub title: Option<Title>,
    pub description: Option<Option<String>>,
    pub location: Option<Location>,
    pub country: Option<Country>,
    pub zone: Option<Zone>,
    pub start: Option<DateTime<Utc>>,
    /// `Some(None)` removes the end: the event then runs until the end of its start's local day.
    pub end: Option<Option<DateTime<Utc>>>,
    /// `Some(None)` lifts the seat limit.
    pub capacity: Option<Option<Capacity>>,
    pub tags: Option<Tags>,
    pub status: Option<EventStatus>,
    pub coordinates: Option<Option<Coordinates>>,
    pub attachment_url: Option<Option<String>>,
}

#[cfg(test)]
mod tests;
