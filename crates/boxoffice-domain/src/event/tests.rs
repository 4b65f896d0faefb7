use super::*;
use chrono::Duration;

fn now() -> DateTime<Utc> {
    "2026-11-21T10:00:00Z".parse().unwrap()
}

fn event(capacity: i64, seats_booked: i32) -> Event {
    let start = now() + Duration::days(10);
    Event {
        id: EventId(1),
        content: NewEvent {
            title: Title::parse("Rust Meetup").unwrap(),
            description: None,
            location: Location::parse("Pune").unwrap(),
            country: Country::parse("IN").unwrap(),
            zone: Zone::DEFAULT,
            schedule: Schedule::new(start, Some(start + Duration::hours(2)), Zone::DEFAULT)
                .unwrap(),
            capacity: Some(Capacity::new(capacity).unwrap()),
            tags: Tags::default(),
            status: EventStatus::Scheduled,
            coordinates: None,
            attachment_url: None,
        },
        seats_booked,
        owner_id: None,
        created_by: None,
        created_at: now(),
        updated_at: now(),
        attachment: None,
    }
}

#[test]
fn titles_are_trimmed_and_bounded() {
    assert_eq!(Title::parse("  Rust  ").unwrap().as_str(), "Rust");
    assert!(Title::parse("   ").is_err());
    assert!(Title::parse(&"x".repeat(100)).is_ok());
    assert!(Title::parse(&"x".repeat(101)).is_err());
}

#[test]
fn text_fields_refuse_control_characters() {
    assert!(Title::parse("Rust\0Meetup").is_err());
    assert!(Location::parse("Pune\n").is_err());
    assert!(Tag::parse("ru\0st").is_err());
    assert!(NewEvent::parse_description("two\nlines").is_ok());
    assert!(NewEvent::parse_description("nul\0").is_err());
    assert!(NewEvent::parse_attachment_url("https://example.com/\0a").is_err());
}

#[test]
fn capacity_is_between_one_and_a_million() {
    assert!(Capacity::new(0).is_err());
    assert!(Capacity::new(1).is_ok());
    assert!(Capacity::new(1_000_000).is_ok());
    assert!(Capacity::new(1_000_001).is_err());
}

#[test]
fn tags_are_lower_cased_deduplicated_and_limited() {
    let tags = Tags::parse(&["Rust".into(), "rust".into(), "Web".into()]).unwrap();
    assert_eq!(tags.to_strings(), ["rust", "web"]);
    assert!(Tags::parse(&vec!["a".to_string(); 21]).is_err());
    assert!(Tags::parse(&["".into()]).is_err());
    assert!(Tags::parse(&["x".repeat(51)]).is_err());
}

#[test]
fn coordinates_ranges_are_checked() {
    assert!(Coordinates::new(73.85, 18.52).is_ok());
    assert!(Coordinates::new(181.0, 0.0).is_err());
    assert!(Coordinates::new(0.0, -90.5).is_err());
}

#[test]
fn events_cannot_be_created_in_the_past() {
    let mut e = event(10, 0).content;
    assert!(e.check_creatable(now()).is_ok());
    let an_hour = Duration::hours(1);
    e.schedule = Schedule::new(now() - an_hour, Some(now() + an_hour), Zone::DEFAULT).unwrap();
    assert!(e.check_creatable(now()).is_err());
}

#[test]
fn capacity_cannot_drop_below_seats_already_booked() {
    let e = event(10, 7);
    let patch = |n| EventPatch {
        capacity: Some(Some(Capacity::new(n).unwrap())),
        ..Default::default()
    };
    assert!(e.apply(patch(6), now()).is_err());
    assert_eq!(e.apply(patch(7), now()).unwrap().capacity.unwrap().get(), 7);
}

#[test]
fn an_unlimited_event_has_no_seats_available_count_and_may_get_a_limit() {
    let mut e = event(10, 7);
    e.content.capacity = None;
    assert_eq!(e.seats_available(), None);
    let limit = |n| EventPatch {
        capacity: Some(Some(Capacity::new(n).unwrap())),
        ..Default::default()
    };
    assert!(e.apply(limit(6), now()).is_err());
    assert!(e.apply(limit(7), now()).is_ok());
}

#[test]
fn a_limit_may_be_lifted() {
    let e = event(10, 7);
    let lifted = EventPatch {
        capacity: Some(None),
        ..Default::default()
    };
    assert_eq!(e.apply(lifted, now()).unwrap().capacity, None);
}

#[test]
fn removing_the_end_makes_the_event_last_until_the_end_of_its_local_day() {
    let e = event(10, 0);
    let patch = EventPatch {
        end: Some(None),
        ..Default::default()
    };
    let updated = e.apply(patch, now()).unwrap();
    assert_eq!(updated.schedule.end(), None);
    let start = e.content.schedule.start();
    assert_eq!(
        updated.schedule.ends_at(),
        Zone::DEFAULT.end_of_local_day(start)
    );
}

#[test]
fn moving_the_end_before_the_start_is_refused() {
    let e = event(10, 0);
    let patch = EventPatch {
        end: Some(Some(e.content.schedule.start())),
        ..Default::default()
    };
    let err = e.apply(patch, now()).unwrap_err();
    assert_eq!(err.0[0].field, "end_time");
}

#[test]
fn patching_clears_optional_fields_only_when_asked() {
    let mut e = event(10, 0);
    e.content.description = Some("old".into());
    let untouched = e.apply(EventPatch::default(), now()).unwrap();
    assert_eq!(untouched.description.as_deref(), Some("old"));
    let cleared = e
        .apply(
            EventPatch {
                description: Some(None),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    assert_eq!(cleared.description, None);
}

#[test]
fn only_scheduled_events_that_have_not_ended_are_bookable() {
    let mut e = event(10, 0);
    assert_eq!(e.unbookable_reason(now()), None);
    e.content.status = EventStatus::Canceled;
    assert!(e.unbookable_reason(now()).unwrap().contains("canceled"));
    e.content.status = EventStatus::Scheduled;
    assert!(
        e.unbookable_reason(now() + Duration::days(30))
            .unwrap()
            .contains("ended")
    );
}

#[test]
fn status_parses_from_its_wire_name() {
    assert_eq!(
        "canceled".parse::<EventStatus>().unwrap(),
        EventStatus::Canceled
    );
    assert!("cancelled".parse::<EventStatus>().is_err());
}
