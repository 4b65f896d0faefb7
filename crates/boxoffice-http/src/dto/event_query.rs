//! The query of `GET /events`: filters and order.

use super::EventStatusName;
use boxoffice_domain::{
    Country, EventSort, EventStatus, Invalid, Near, Tag, Validator, When, Zone, parse_instant,
    parse_point, parse_search_text,
};
use boxoffice_store::EventFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters and order for listing events.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// `upcoming` (not yet ended; default), `past` or `all`. An event without an
    /// end is over at the end of its start's local day.
    #[param(pattern = "^(upcoming|past|all)$")]
    pub when: Option<String>,
    /// `me`: only the signed-in caller's own events, in any status and, unless
    /// `when` says otherwise, at any time. Needs a bearer token.
    #[param(pattern = r"^\s*me\s*$")]
    pub owner: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[param(
        min_length = 2,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub country: Option<String>,
    /// Only events carrying this tag.
    #[param(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub tag: Option<String>,
    #[param(value_type = Option<EventStatusName>)]
    pub status: Option<String>,
    /// Text searched in title and description, case-insensitively: at most 200 characters, one line.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub q: Option<String>,
    /// Only events starting at or after this time (RFC 3339, or local time in `tz`).
    #[param(
        min_length = 10,
        max_length = 64,
        pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$"
    )]
    pub from: Option<String>,
    /// Only events starting before this time.
    #[param(
        min_length = 10,
        max_length = 64,
        pattern = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s*$"
    )]
    pub to: Option<String>,
    /// Only events within `radius_km` of this point: `longitude,latitude` in decimal
    /// degrees (GeoJSON order), longitude -180 to 180, latitude -90 to 90. Events without
    /// coordinates are left out; each listed event carries its `distance_km`.
    #[param(
        max_length = 64,
        pattern = r"^\s*[-+]?[0-9]*\.?[0-9]+\s*,\s*[-+]?[0-9]*\.?[0-9]+\s*$",
        example = "2.3522,48.8566"
    )]
    pub near: Option<String>,
    /// Search radius around `near`, in kilometres (great-circle distance); default 50.
    /// Only with `near`.
    #[param(exclusive_minimum = 0, maximum = 20016)]
    pub radius_km: Option<f64>,
    /// `start_time` (default), `title`, `created_at`, `seats_available` or, with `near`,
    /// `distance`; prefix `-` for descending.
    /// Events with unlimited seats count as having the most seats available.
    #[param(pattern = "^-?(start_time|title|created_at|seats_available|distance)$")]
    pub sort: Option<String>,
    /// Render times in this IANA zone (else each event's own zone). Also read from the `X-Timezone` header.
    pub tz: Option<String>,
    /// Page number, starting at 1.
    pub page: Option<i64>,
    /// Items per page.
    pub page_size: Option<i64>,
}

impl EventQuery {
    /// True for `owner=me`: the caller's own events (the caller fills in who that is).
    pub fn wants_own_events(&self) -> bool {
        self.owner.is_some()
    }

    /// Parses the filters; local times in `from`/`to` are read in `zone`.
    /// `owner` may only be `me`; listing one's own events covers any time unless `when` is given.
    pub fn to_filter(&self, zone: Zone) -> Result<EventFilter, Invalid> {
        let mut v = Validator::new();
        if let Some(owner) = self.owner.as_deref()
            && owner.trim() != "me"
        {
            v.fail("owner", format!("{owner:?} is not supported; use owner=me"));
        }
        let default_when = if self.owner.is_some() {
            When::All
        } else {
            When::Upcoming
        };
        let filter = EventFilter {
            when: v
                .check_opt("when", self.when.as_deref(), str::parse::<When>)
                .flatten()
                .unwrap_or(default_when),
            country: v
                .check_opt("country", self.country.as_deref(), Country::parse)
                .flatten(),
            tag: v
                .check_opt("tag", self.tag.as_deref(), Tag::parse)
                .flatten(),
            status: v
                .check_opt("status", self.status.as_deref(), str::parse::<EventStatus>)
                .flatten(),
            text: v
                .check_opt("q", self.q.as_deref(), parse_search_text)
                .flatten()
                .flatten(),
            from: v
                .check_opt("from", self.from.as_deref(), |t| parse_instant(t, zone))
                .flatten(),
            to: v
                .check_opt("to", self.to.as_deref(), |t| parse_instant(t, zone))
                .flatten(),
            owner: None,
            near: self.near(&mut v),
            sort: v
                .check_opt("sort", self.sort.as_deref(), str::parse::<EventSort>)
                .flatten()
                .unwrap_or_default(),
        };
        if filter.sort.needs_point() && self.near.is_none() {
            v.fail("sort", "distance orders need near=longitude,latitude");
        }
        v.finish()?;
        Ok(filter)
    }

    /// The point search, if `near` is given; `radius_km` alone is an error.
    fn near(&self, v: &mut Validator) -> Option<Near> {
        let Some(point) = self.near.as_deref() else {
            if self.radius_km.is_some() {
                v.fail("radius_km", "needs near=longitude,latitude");
            }
            return None;
        };
        let center = v.check("near", parse_point(point))?;
        v.check("radius_km", Near::new(center, self.radius_km))
    }
}
