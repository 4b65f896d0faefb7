//! Event requests and responses.

use super::nullable;
use boxoffice_domain::{
    Capacity, Coordinates, Country, Event, EventPatch, EventStatus, Invalid, Location, NewEvent,
    Schedule, Tags, Title, Validator, Zone, parse_instant, resolve_place,
};
use boxoffice_store::ListedEvent;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Lifecycle of an event; only `scheduled` events take bookings.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EventStatusName {
    Scheduled,
    Canceled,
    Completed,
}

/// A GeoJSON Point: `{"type": "Point", "coordinates": [longitude, latitude]}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GeoPoint {
    /// Always `Point`.
    #[serde(rename = "type")]
    #[schema(example = "Point")]
    pub kind: String,
    /// `[longitude, latitude]` in degrees.
    #[schema(example = json!([73.8567, 18.5204]))]
    pub coordinates: Vec<f64>,
}

impl GeoPoint {
    fn parse(self) -> Result<Coordinates, String> {
        if self.kind != "Point" {
            return Err("type must be \"Point\"".into());
        }
        match self.coordinates[..] {
            [lon, lat] => Coordinates::new(lon, lat),
            _ => Err("coordinates must be [longitude, latitude]".into()),
        }
    }

    fn of(c: Coordinates) -> Self {
        GeoPoint {
            kind: "Point".into(),
            coordinates: vec![c.lon(), c.lat()],
        }
    }
}

/// A tag as sent: 1 to 50 characters, one line, not blank (a schema only).
#[derive(Debug)]
pub struct TagText;

impl utoipa::PartialSchema for TagText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .min_length(Some(1))
            .max_length(Some(50))
            .pattern(Some(r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"))
            .into()
    }
}

impl ToSchema for TagText {}

/// A new event. Only `title` and `start_time` are required; times without an
/// offset are wall-clock times in `timezone`.
///
/// Defaults: `timezone` `Asia/Kolkata`; `country` the country of `timezone` when
/// that zone belongs to exactly one (422 otherwise); `location` the country's
/// English name; no `end_time`: the event lasts until the end of its start's
/// local day; no `capacity`: unlimited seats.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({
    "title": "Rust Meetup", "description": "Talks and pizza", "location": "Pune", "country": "IN",
    "timezone": "Asia/Kolkata", "start_time": "2027-03-01T18:00:00", "end_time": "2027-03-01T21:00:00",
    "capacity": 50, "tags": ["rust", "meetup"]}))]
pub struct EventCreate {
    /// 1 to 100 characters, not blank. Also accepted as `name`.
    #[serde(alias = "name")]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub title: Option<String>,
    /// At most 5,000 characters; line breaks and tabs are kept, other control characters refused.
    #[schema(
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub description: Option<String>,
    /// Venue or city, free text: 1 to 200 characters, one line; default: the country's
    /// English name (`France`).
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub location: Option<String>,
    /// ISO 3166-1 alpha-2 code (`FR`); alpha-3 codes and English names are also understood.
    /// Default: the country of `timezone`, when that zone belongs to exactly one.
    #[schema(value_type = String, required = false, example = "IN", min_length = 2, max_length = 100)]
    pub country: Option<String>,
    /// IANA time zone; default `Asia/Kolkata`.
    #[schema(
        example = "Asia/Kolkata",
        min_length = 1,
        max_length = 64,
        pattern = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"
    )]
    pub timezone: Option<String>,
    /// RFC 3339, or local time in `timezone`; not in the past. Also accepted as `date` or `startDate`.
    #[serde(alias = "date", alias = "startDate")]
    #[schema(value_type = String, required = true, min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub start_time: Option<String>,
    /// After `start_time`. Also accepted as `endDate`. Without it the event lasts
    /// until the end of its start's local day.
    #[serde(alias = "endDate")]
    #[schema(value_type = String, required = false, min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub end_time: Option<String>,
    /// 1 to 1,000,000 seats; absent or `null`: unlimited. Also accepted as
    /// `max_capacity`, `max_attendees` or `total_seats`.
    #[serde(alias = "max_capacity", alias = "max_attendees", alias = "total_seats")]
    #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 1000000)]
    pub capacity: Option<i64>,
    /// Up to 20 tags of 1 to 50 characters; stored lower-case.
    #[schema(max_items = 20, value_type = Option<Vec<TagText>>)]
    pub tags: Option<Vec<String>>,
    #[schema(value_type = Option<EventStatusName>)]
    pub status: Option<String>,
    pub coordinates: Option<GeoPoint>,
    /// An http(s) URL of at most 2,048 characters.
    #[schema(
        max_length = 2048,
        pattern = r"^\s*[hH][tT][tT][pP][sS]?://[^\u0000-\u001F\u007F-\u009F]+$"
    )]
    pub attachment_url: Option<String>,
}

impl EventCreate {
    pub fn into_domain(self) -> Result<NewEvent, Invalid> {
        let mut v = Validator::new();
        let zone = v
            .check_opt("timezone", self.timezone, |z| Zone::parse(&z))
            .flatten()
            .unwrap_or_default();
        let title = v
            .require("title", self.title)
            .and_then(|t| v.check("title", Title::parse(&t)));
        let description = v
            .check_opt("description", self.description, |d| {
                NewEvent::parse_description(&d)
            })
            .flatten()
            .flatten();
        let location = v.check_opt("location", self.location, |l| Location::parse(&l));
        let country = v.check_opt("country", self.country, |c| Country::parse(&c));
        let place = match (location, country) {
            (Some(location), Some(country)) => {
                v.check("country", resolve_place(location, country, zone))
            }
            _ => None,
        };
        let start = v
            .require("start_time", self.start_time)
            .and_then(|s| v.check("start_time", parse_instant(&s, zone)));
        let end = v.check_opt("end_time", self.end_time, |e| parse_instant(&e, zone));
        let schedule = match (start, end) {
            (Some(start), Some(end)) => v.check("end_time", Schedule::new(start, end, zone)),
            _ => None,
        };
        let capacity = v
            .check_opt("capacity", self.capacity, Capacity::new)
            .flatten();
        let tags = v
            .check_opt("tags", self.tags, |t| Tags::parse(&t))
            .map(Option::unwrap_or_default);
        let status = v
            .check_opt("status", self.status, |s| s.parse::<EventStatus>())
            .map(Option::unwrap_or_default);
        let coordinates = v
            .check_opt("coordinates", self.coordinates, GeoPoint::parse)
            .flatten();
        let attachment_url = v
            .check_opt("attachment_url", self.attachment_url, |u| {
                NewEvent::parse_attachment_url(&u)
            })
            .flatten();
        v.finish()?;
        let (location, country) = place.expect("validated");
        Ok(NewEvent {
            title: title.expect("validated"),
            description,
            location,
            country,
            zone,
            schedule: schedule.expect("validated"),
            capacity,
            tags: tags.expect("validated"),
            status: status.expect("validated"),
            coordinates,
            attachment_url,
        })
    }
}

/// Changes to an event: absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"title": "Rust Meetup #2", "capacity": 80}))]
pub struct EventUpdate {
    #[serde(alias = "name")]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable, max_length = 5000, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$")]
    pub description: Option<Option<String>>,
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub location: Option<String>,
    #[schema(value_type = String, required = false, min_length = 2, max_length = 100)]
    pub country: Option<String>,
    /// A new zone changes how times are shown and how local times in this request are read; the instants stay.
    #[schema(value_type = String, required = false, min_length = 1, max_length = 64, pattern = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")]
    pub timezone: Option<String>,
    #[serde(alias = "date", alias = "startDate")]
    #[schema(value_type = String, required = false, min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub start_time: Option<String>,
    /// `null` removes the end: the event then lasts until the end of its start's local day.
    #[serde(default, alias = "endDate", deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable, min_length = 10, max_length = 64, pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$")]
    pub end_time: Option<Option<String>>,
    /// May not drop below `seats_booked`; `null` lifts the limit (unlimited seats).
    #[serde(
        default,
        alias = "max_capacity",
        alias = "max_attendees",
        alias = "total_seats",
        deserialize_with = "nullable"
    )]
    #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 1000000)]
    pub capacity: Option<Option<i64>>,
    #[schema(value_type = Vec<TagText>, required = false, max_items = 20)]
    pub tags: Option<Vec<String>>,
    #[schema(value_type = EventStatusName, required = false)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<GeoPoint>, nullable)]
    pub coordinates: Option<Option<GeoPoint>>,
    /// An http(s) URL of at most 2,048 characters; `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable, max_length = 2048, pattern = r"^\s*[hH][tT][tT][pP][sS]?://[^\u0000-\u001F\u007F-\u009F]+$")]
    pub attachment_url: Option<Option<String>>,
}

impl EventUpdate {
    /// Parses the changes; local times are read in the new zone if one is given, else in `current`.
    pub fn into_domain(self, current: Zone) -> Result<EventPatch, Invalid> {
        let mut v = Validator::new();
        let zone = v
            .check_opt("timezone", self.timezone, |z| Zone::parse(&z))
            .flatten();
        let times_zone = zone.unwrap_or(current);
        let patch = EventPatch {
            title: v
                .check_opt("title", self.title, |t| Title::parse(&t))
                .flatten(),
            description: v
                .check_opt("description", self.description, |d| {
                    d.map(|d| NewEvent::parse_description(&d))
                        .transpose()
                        .map(Option::flatten)
                })
                .flatten(),
            location: v
                .check_opt("location", self.location, |l| Location::parse(&l))
                .flatten(),
            country: v
                .check_opt("country", self.country, |c| Country::parse(&c))
                .flatten(),
            zone,
            start: v
                .check_opt("start_time", self.start_time, |s| {
                    parse_instant(&s, times_zone)
                })
                .flatten(),
            end: v
                .check_opt("end_time", self.end_time, |e| {
                    e.map(|e| parse_instant(&e, times_zone)).transpose()
                })
                .flatten(),
            capacity: v
                .check_opt("capacity", self.capacity, |c| {
                    c.map(Capacity::new).transpose()
                })
                .flatten(),
            tags: v
                .check_opt("tags", self.tags, |t| Tags::parse(&t))
                .flatten(),
            status: v
                .check_opt("status", self.status, |s| s.parse::<EventStatus>())
                .flatten(),
            coordinates: v
                .check_opt("coordinates", self.coordinates, |c| {
                    c.map(GeoPoint::parse).transpose()
                })
                .flatten(),
            attachment_url: v
                .check_opt("attachment_url", self.attachment_url, |u| {
                    u.map(|u| NewEvent::parse_attachment_url(&u)).transpose()
                })
                .flatten(),
        };
        v.finish()?;
        Ok(patch)
    }
}

/// An event as clients see it. Times carry the offset of the zone they are shown in.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    #[schema(example = 42)]
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub location: String,
    /// ISO 3166-1 alpha-2, upper-case.
    pub country: String,
    /// The event's own IANA time zone.
    pub timezone: String,
    #[schema(example = "2027-03-01T18:00:00+05:30")]
    pub start_time: String,
    /// `null` for an event entered without an end: it lasts until the end of its
    /// start's local day in `timezone`.
    #[schema(required = true)]
    pub end_time: Option<String>,
    /// When the event is over: `end_time`, or without one the end of its start's
    /// local day. Bookings close and `when=past` lists it from then on.
    pub ends_at: String,
    /// `null`: unlimited seats.
    #[schema(required = true)]
    pub capacity: Option<i32>,
    pub seats_booked: i32,
    /// `null` for an event with unlimited seats.
    #[schema(required = true)]
    pub seats_available: Option<i32>,
    pub tags: Vec<String>,
    pub status: EventStatusName,
    pub coordinates: Option<GeoPoint>,
    /// Where the event's material is: the uploaded file's download path when there is one
    /// (it takes precedence), else the link given as `attachment_url`.
    pub attachment_url: Option<String>,
    /// The uploaded file, if any.
    pub attachment: Option<super::AttachmentView>,
    /// Username of the owner, if the event has one.
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Kilometres (great-circle, to the metre) from the point of a `near` search;
    /// present only in such a listing.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, example = 3.42)]
    pub distance_km: Option<f64>,
}

impl EventView {
    /// An event of a listing, with its distance when the listing searched around a point.
    pub fn listed(listed: &ListedEvent, zone: Option<Zone>) -> Self {
        EventView {
            distance_km: listed.distance_km.map(|km| (km * 1000.0).round() / 1000.0),
            ..Self::render(&listed.event, zone)
        }
    }

    pub fn render(event: &Event, zone: Option<Zone>) -> Self {
        let c = &event.content;
        let zone = zone.unwrap_or(c.zone);
        EventView {
            id: event.id.0,
            title: c.title.as_str().to_owned(),
            description: c.description.clone(),
            location: c.location.as_str().to_owned(),
            country: c.country.alpha2().to_owned(),
            timezone: c.zone.name().to_owned(),
            start_time: zone.format(c.schedule.start()),
            end_time: c.schedule.end().map(|end| zone.format(end)),
            ends_at: zone.format(c.schedule.ends_at()),
            capacity: c.capacity.map(|capacity| capacity.get()),
            seats_booked: event.seats_booked,
            seats_available: event.seats_available(),
            tags: c.tags.to_strings(),
            status: match c.status {
                EventStatus::Scheduled => EventStatusName::Scheduled,
                EventStatus::Canceled => EventStatusName::Canceled,
                EventStatus::Completed => EventStatusName::Completed,
            },
            coordinates: c.coordinates.map(GeoPoint::of),
            attachment_url: match &event.attachment {
                Some(_) => Some(super::download_path(event.id)),
                None => c.attachment_url.clone(),
            },
            attachment: event
                .attachment
                .as_ref()
                .map(|file| super::AttachmentView::render(event.id, file, zone)),
            created_by: event.created_by.clone(),
            created_at: zone.format(event.created_at),
            updated_at: zone.format(event.updated_at),
            distance_km: None,
        }
    }
}
