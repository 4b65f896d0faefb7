//! Time zones and instants.
//!
//! Instants are stored as UTC with microsecond precision (what PostgreSQL keeps).
//! Input without an offset is wall-clock time in the event's zone; output is
//! always rendered with an explicit offset in the zone the client asked for.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;
use std::fmt;

/// An IANA time zone, such as `Asia/Kolkata` or `Europe/Paris`; its name on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Zone(Tz);

impl From<Zone> for String {
    fn from(zone: Zone) -> String {
        zone.name().to_owned()
    }
}

impl TryFrom<String> for Zone {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        Zone::parse(&name)
    }
}

impl Zone {
    /// Events are entered in Indian Standard Time unless told otherwise.
    pub const DEFAULT: Zone = Zone(chrono_tz::Asia::Kolkata);

    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("must not be empty".into());
        }
        trimmed
            .parse::<Tz>()
            .map(Zone)
            .map_err(|_| format!("{trimmed:?} is not an IANA time zone (e.g. \"Europe/Paris\")"))
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The instant in this zone, with the offset in force at that moment.
    pub fn render(&self, instant: DateTime<Utc>) -> DateTime<FixedOffset> {
        instant.with_timezone(&self.0).fixed_offset()
    }

    /// RFC 3339 text with an explicit offset, e.g. `2026-12-01T10:00:00+05:30`.
    pub fn format(&self, instant: DateTime<Utc>) -> String {
        self.render(instant)
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
    }

    /// Wall-clock text in this zone without an offset, to the second: `2026-12-01T10:00:00`.
    pub fn format_local(&self, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&self.0)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    }

    /// The first instant of the local day after the one `instant` falls on:
    /// midnight in this zone, or the first existing time after it where a
    /// daylight-saving change skips midnight.
    pub fn end_of_local_day(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        let next_day = self.local_date(instant) + chrono::Days::new(1);
        self.start_of_local_day(next_day)
            .unwrap_or(instant + chrono::Duration::days(1))
    }

    /// The calendar date `instant` falls on in this zone.
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }

    /// The first instant of `date` in this zone: midnight, or the first existing time
    /// after it where a daylight-saving change skips midnight.
    pub fn start_of_local_day(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        (0..24 * 4)
            .map(|quarter| date.and_time(NaiveTime::MIN) + chrono::Duration::minutes(quarter * 15))
            .find_map(|local| self.0.from_local_datetime(&local).earliest())
            .map(|t| t.with_timezone(&Utc))
    }

    /// The start of the local hour `instant` falls in (zones are offset by whole quarters
    /// of an hour, so it is `instant` with its local minutes taken off).
    pub fn start_of_local_hour(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        let local = instant.with_timezone(&self.0);
        let into_hour = chrono::Duration::minutes(i64::from(local.minute()))
            + chrono::Duration::seconds(i64::from(local.second()))
            + chrono::Duration::nanoseconds(i64::from(local.nanosecond()));
        instant - into_hour
    }

    /// Resolves a wall-clock time in this zone.
    ///
    /// A time skipped by a daylight-saving jump does not exist and is refused;
    /// a time that occurs twice resolves to the earlier instant.
    pub fn resolve_local(&self, local: NaiveDateTime) -> Result<DateTime<Utc>, String> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
            LocalResult::None => Err(format!(
                "{local} does not exist in {} (skipped by a daylight-saving change)",
                self.name()
            )),
        }
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::DEFAULT
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Drops sub-microsecond digits so a stored instant reads back identical on both databases.
pub fn truncate_to_micros(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(6)
}

const LOCAL_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// Parses an instant: RFC 3339 with an offset, or wall-clock time in `zone`.
pub fn parse_instant(input: &str, zone: Zone) -> Result<DateTime<Utc>, String> {
    let trimmed = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(truncate_to_micros(t.with_timezone(&Utc)));
    }
    for format in LOCAL_FORMATS {
        if let Ok(local) = NaiveDateTime::parse_from_str(trimmed, format) {
            return zone.resolve_local(local).map(truncate_to_micros);
        }
    }
    Err(format!(
        "{trimmed:?} is not a date-time; use RFC 3339 (\"2026-12-01T10:00:00+05:30\") or local time (\"2026-12-01T10:00:00\")"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_travel_by_name() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(serde_json::to_value(paris).unwrap(), "Europe/Paris");
        assert_eq!(
            serde_json::from_value::<Zone>("Europe/Paris".into()).unwrap(),
            paris
        );
        assert!(serde_json::from_value::<Zone>("Mars/Olympus".into()).is_err());
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn local_time_defaults_to_india_standard_time() {
        let t = parse_instant("2026-12-01T10:00:00", Zone::DEFAULT).unwrap();
        assert_eq!(t, utc("2026-12-01T04:30:00Z"));
        assert_eq!(Zone::DEFAULT.format(t), "2026-12-01T10:00:00+05:30");
    }

    #[test]
    fn an_explicit_offset_wins_over_the_zone() {
        let t = parse_instant("2026-12-01T10:00:00+01:00", Zone::DEFAULT).unwrap();
        assert_eq!(t, utc("2026-12-01T09:00:00Z"));
    }

    #[test]
    fn rendering_follows_daylight_saving_time() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(
            paris.format(utc("2026-07-01T08:00:00Z")),
            "2026-07-01T10:00:00+02:00"
        );
        assert_eq!(
            paris.format(utc("2026-12-01T08:00:00Z")),
            "2026-12-01T09:00:00+01:00"
        );
    }

    #[test]
    fn a_wall_clock_time_skipped_by_spring_forward_is_refused() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert!(parse_instant("2026-03-29T02:30:00", paris).is_err());
    }

    #[test]
    fn a_wall_clock_time_repeated_by_fall_back_takes_the_earlier_instant() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let t = parse_instant("2026-10-25T02:30:00", paris).unwrap();
        assert_eq!(t, utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn a_local_day_ends_at_the_next_local_midnight() {
        let t = parse_instant("2026-12-01T23:30:00", Zone::DEFAULT).unwrap();
        assert_eq!(
            Zone::DEFAULT.format(Zone::DEFAULT.end_of_local_day(t)),
            "2026-12-02T00:00:00+05:30"
        );
        let paris = Zone::parse("Europe/Paris").unwrap();
        let before_fall_back = utc("2026-10-24T12:00:00Z");
        assert_eq!(
            paris.end_of_local_day(before_fall_back),
            utc("2026-10-24T22:00:00Z")
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_ends_at_its_first_existing_time() {
        // Santiago springs forward at midnight: 2026-09-06 starts at 01:00.
        let santiago = Zone::parse("America/Santiago").unwrap();
        let end = santiago.end_of_local_day(utc("2026-09-05T15:00:00Z"));
        assert_eq!(santiago.format(end), "2026-09-06T01:00:00-03:00");
    }

    #[test]
    fn unknown_zones_and_garbage_are_refused() {
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert!(Zone::parse("").is_err());
        assert!(parse_instant("next tuesday", Zone::DEFAULT).is_err());
    }

    #[test]
    fn instants_keep_microseconds_only() {
        let t = parse_instant("2026-12-01T10:00:00.123456789Z", Zone::DEFAULT).unwrap();
        assert_eq!(t.timestamp_subsec_nanos(), 123_456_000);
    }
}
