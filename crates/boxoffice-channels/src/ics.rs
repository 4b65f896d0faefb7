//! Calendar files (iCalendar, RFC 5545): attached to booking confirmations and served
//! for any event at `GET /events/{id}.ics`.
//!
//! Times are written in the event's own zone (`DTSTART;TZID=Europe/Paris:...`) with a
//! `VTIMEZONE` giving that zone's offset at the event, so calendars show the time the
//! organizer meant. An event whose offset changes between start and end (it spans a
//! daylight-saving switch) is written in UTC (`...Z`) instead, which is never ambiguous.

use boxoffice_domain::Zone;
use chrono::{DateTime, FixedOffset, Utc};
use std::fmt::Write;

/// What goes into a calendar entry.
#[derive(Debug, Clone)]
pub struct CalendarEvent {
    /// Globally unique and stable, so a calendar updates rather than duplicates the entry.
    pub uid: String,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub zone: Zone,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When the file was made (`DTSTAMP`).
    pub stamp: DateTime<Utc>,
    /// The event was called off (`STATUS:CANCELLED`).
    pub cancelled: bool,
}

/// The calendar file: CRLF line ends, lines folded at 75 octets.
pub fn calendar(event: &CalendarEvent) -> String {
    let start = event.zone.render(event.start);
    let end = event.zone.render(event.end);
    let local = start.offset() == end.offset();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Boxoffice//Bookings//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
    ];
    if local {
        lines.extend(timezone(event.zone.name(), *start.offset()));
    }
    lines.push("BEGIN:VEVENT".to_owned());
    lines.push(format!("UID:{}", text(&event.uid)));
    lines.push(format!("DTSTAMP:{}", utc(event.stamp)));
    if local {
        let zone = event.zone.name();
        lines.push(format!(
            "DTSTART;TZID={zone}:{}",
            start.format("%Y%m%dT%H%M%S")
        ));
        lines.push(format!("DTEND;TZID={zone}:{}", end.format("%Y%m%dT%H%M%S")));
    } else {
        lines.push(format!("DTSTART:{}", utc(event.start)));
        lines.push(format!("DTEND:{}", utc(event.end)));
    }
    lines.push(format!("SUMMARY:{}", text(&event.title)));
    if let Some(description) = &event.description {
        lines.push(format!("DESCRIPTION:{}", text(description)));
    }
    if let Some(location) = &event.location {
        lines.push(format!("LOCATION:{}", text(location)));
    }
    if let Some(url) = &event.url {
        lines.push(format!("URL:{url}"));
    }
    lines.push(
        if event.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        }
        .to_owned(),
    );
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    out
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A zone definition holding the offset in force at the event.
fn timezone(name: &str, offset: FixedOffset) -> Vec<String> {
    let seconds = offset.local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    let offset = format!("{sign}{:02}{:02}", minutes / 60, minutes % 60);
    vec![
        "BEGIN:VTIMEZONE".to_owned(),
        format!("TZID:{name}"),
        "BEGIN:STANDARD".to_owned(),
        "DTSTART:19700101T000000".to_owned(),
        format!("TZOFFSETFROM:{offset}"),
        format!("TZOFFSETTO:{offset}"),
        "END:STANDARD".to_owned(),
        "END:VTIMEZONE".to_owned(),
    ]
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line so no physical line exceeds 75 octets, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            // The continuation starts with a space, which counts towards its 75 octets.
            let _ = write!(out, "\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(zone: &str, start: &str, end: &str) -> CalendarEvent {
        CalendarEvent {
            uid: "booking-7@boxoffice.test".into(),
            title: "Rust; Meetup, Paris".into(),
            description: Some("Line one\nLine two".into()),
            location: Some("Station F".into()),
            url: None,
            zone: Zone::parse(zone).unwrap(),
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
            stamp: "2026-11-30T08:00:00Z".parse().unwrap(),
            cancelled: false,
        }
    }

    #[test]
    fn times_are_in_the_events_zone_with_its_offset() {
        let ics = calendar(&event(
            "Europe/Paris",
            "2026-12-05T18:00:00Z",
            "2026-12-05T20:00:00Z",
        ));
        assert!(
            ics.contains("\r\nDTSTART;TZID=Europe/Paris:20261205T190000\r\n"),
            "{ics}"
        );
        assert!(ics.contains("\r\nDTEND;TZID=Europe/Paris:20261205T210000\r\n"));
        assert!(ics.contains("\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD"));
        assert!(ics.contains("\r\nTZOFFSETTO:+0100\r\n"));
        assert!(ics.contains("\r\nDTSTAMP:20261130T080000Z\r\n"));
        assert!(ics.contains("\r\nUID:booking-7@boxoffice.test\r\n"));
        assert!(ics.contains("\r\nSUMMARY:Rust\\; Meetup\\, Paris\r\n"));
        assert!(ics.contains("\r\nDESCRIPTION:Line one\\nLine two\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
    }

    #[test]
    fn negative_and_half_hour_offsets_are_written_in_full() {
        let ics = calendar(&event(
            "Asia/Kolkata",
            "2026-12-05T04:30:00Z",
            "2026-12-05T06:00:00Z",
        ));
        assert!(ics.contains("TZOFFSETTO:+0530"));
        assert!(ics.contains("DTSTART;TZID=Asia/Kolkata:20261205T100000"));
        let ics = calendar(&event(
            "America/St_Johns",
            "2026-12-05T13:30:00Z",
            "2026-12-05T14:30:00Z",
        ));
        assert!(ics.contains("TZOFFSETTO:-0330"), "{ics}");
    }

    #[test]
    fn an_event_across_a_daylight_saving_switch_is_written_in_utc() {
        // Paris leaves summer time at 01:00 UTC on 25 October 2026.
        let ics = calendar(&event(
            "Europe/Paris",
            "2026-10-24T22:00:00Z",
            "2026-10-25T03:00:00Z",
        ));
        assert!(ics.contains("\r\nDTSTART:20261024T220000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nDTEND:20261025T030000Z\r\n"));
        assert!(!ics.contains("VTIMEZONE"));
    }

    #[test]
    fn long_lines_are_folded_at_75_octets_without_splitting_characters() {
        let mut long = event("UTC", "2026-12-05T18:00:00Z", "2026-12-05T20:00:00Z");
        long.title = "नमस्ते ".repeat(30);
        let ics = calendar(&long);
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{}", "नमस्ते ".repeat(30))));
    }
}
