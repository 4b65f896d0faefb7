//! Notices by e-mail, end to end over HTTP on SQLite and PostgreSQL, with mail written
//! to a folder: a booking confirmation in the attendee's language with its calendar file,
//! the organizer's notice, a deleted event reaching every attendee, preferences honoured,
//! and every attempt recorded.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_channels::{Channel, DeliveryStatus, MailTransport};
use boxoffice_testkit::{Backend, Options, TestApp, event_body, expect_status};
use common::mail::{Mail, read_folder};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

async fn app(backend: Backend) -> (TestApp, PathBuf) {
    let dir = std::env::temp_dir().join(format!("boxoffice-mail-{}", uuid::Uuid::new_v4()));
    let app = TestApp::start_with(
        backend,
        Options {
            mail: Some(MailTransport::Folder(dir.clone())),
            public_url: Some(
                boxoffice_domain::PublicUrl::parse("https://tickets.example.test").unwrap(),
            ),
            ..Options::default()
        },
    )
    .await;
    (app, dir)
}

/// Waits until the folder holds `count` messages, and returns them.
async fn wait_for_mail(dir: &Path, count: usize) -> Vec<Mail> {
    for _ in 0..200 {
        let mails = read_folder(dir);
        if mails.len() >= count {
            assert_eq!(mails.len(), count, "no more than expected");
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{count} messages expected, found {}",
        read_folder(dir).len()
    );
}

async fn paris_event(app: &TestApp) -> i64 {
    let mut body = event_body("Jazz Night", 10);
    body["timezone"] = json!("Europe/Paris");
    body["start_time"] = json!("2030-12-05T19:00:00");
    body["end_time"] = json!("2030-12-05T22:00:00");
    let created = expect_status(app.organizer().post("/events", &body).await, 201).await;
    created["id"].as_i64().unwrap()
}

async fn a_booking_mails_the_attendee_in_their_language_and_the_organizer(backend: Backend) {
    let (app, dir) = app(backend).await;
    let event = paris_event(&app).await;
    let booked = app
        .post(
            &format!("/events/{event}/book"),
            &json!({"name": "Amélie", "email": "amelie@example.test", "locale": "fr-CA"}),
        )
        .await;
    let booked = expect_status(booked, 201).await;

    let mails = wait_for_mail(&dir, 2).await;
    let attendee = mails
        .iter()
        .find(|m| m.to.contains("amelie@example.test"))
        .unwrap();
    assert_eq!(attendee.subject, "Réservation confirmée : Jazz Night");
    assert!(
        attendee.text.contains("Bonjour Amélie,"),
        "{}",
        attendee.text
    );
    assert!(attendee.text.contains("2030-12-05 19:00 (Europe/Paris)"));
    assert!(
        attendee
            .text
            .contains("https://tickets.example.test/app/bookings")
    );
    assert!(attendee.html.contains("Amélie"));
    let ics = attendee.calendar.as_deref().expect("a calendar file");
    assert!(
        ics.contains("DTSTART;TZID=Europe/Paris:20301205T190000\r\n"),
        "{ics}"
    );
    assert!(ics.contains("SUMMARY:Jazz Night\r\n"));
    let page = format!("URL:https://tickets.example.test/app/events/{event}\r\n");
    assert!(ics.contains(&page), "{ics}");
    // The ticket's QR code, the very image the booking's ticket.png serves.
    let ticket = attendee.ticket.as_deref().expect("a ticket image");
    let served = app
        .request(
            reqwest::Method::GET,
            &format!("/bookings/{}/ticket.png", booked["id"]),
        )
        .header("X-Cancel-Token", booked["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(ticket, served.bytes().await.unwrap().as_ref());

    let organizer = mails
        .iter()
        .find(|m| m.to.contains("organizer@example.com"))
        .unwrap();
    assert_eq!(organizer.subject, "New booking: Jazz Night");
    assert!(
        organizer.text.contains("Amélie booked a seat"),
        "{}",
        organizer.text
    );
    assert!(organizer.calendar.is_none());
    assert!(organizer.ticket.is_none());

    // Mail lands before its attempt is recorded: wait for the records too.
    let mut summary = Vec::new();
    for _ in 0..200 {
        summary = app
            .store
            .recent_deliveries(50)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.notice, r.channel, r.recipient, r.status))
            .collect::<Vec<(String, Channel, String, DeliveryStatus)>>();
        if summary.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert!(
        summary.contains(&(
            "booking_confirmed".into(),
            Channel::Email,
            "amelie@example.test".into(),
            DeliveryStatus::Sent
        )),
        "{summary:?}"
    );
    assert!(
        summary.contains(&(
            "organizer_new_booking".into(),
            Channel::Email,
            "organizer@example.com".into(),
            DeliveryStatus::Sent
        )),
        "{summary:?}"
    );
    assert!(
        summary.contains(&(
            "organizer_new_booking".into(),
            Channel::Push,
            "user:1".into(),
            DeliveryStatus::Skipped
        )),
        "push is not configured: {summary:?}"
    );
    app.stop().await;
}

async fn deleting_an_event_mails_every_attendee_it_had(backend: Backend) {
    let (app, dir) = app(backend).await;
    let event = paris_event(&app).await;
    for (name, locale) in [("Ana", "es"), ("Dieter", "de-AT"), ("Priya", "hi")] {
        let email = format!("{}@example.test", name.to_lowercase());
        let body = json!({"name": name, "email": email, "locale": locale});
        expect_status(app.post(&format!("/events/{event}/book"), &body).await, 201).await;
    }
    // Three confirmations and three organizer notices.
    wait_for_mail(&dir, 6).await;
    std::fs::remove_dir_all(&dir).unwrap();

    let deleted = app.organizer().delete(&format!("/events/{event}")).await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let mails = wait_for_mail(&dir, 3).await;
    let subject_for = |who: &str| {
        mails
            .iter()
            .find(|m| m.to.contains(who))
            .map(|m| m.subject.clone())
            .unwrap_or_default()
    };
    assert_eq!(subject_for("ana@"), "Evento cancelado: Jazz Night");
    assert_eq!(subject_for("dieter@"), "Veranstaltung abgesagt: Jazz Night");
    assert_eq!(subject_for("priya@"), "कार्यक्रम रद्द: Jazz Night");
    assert!(
        mails
            .iter()
            .all(|m| m.text.contains("2030-12-05 19:00 (Europe/Paris)"))
    );
    app.stop().await;
}

async fn an_attendee_who_turned_email_off_gets_none_and_it_is_recorded(backend: Backend) {
    let (app, dir) = app(backend).await;
    let event = paris_event(&app).await;
    let body = json!({"name": "Quiet", "email": "quiet@example.test"});
    let booking = expect_status(app.post(&format!("/events/{event}/book"), &body).await, 201).await;
    wait_for_mail(&dir, 2).await;
    let attendee = boxoffice_domain::AttendeeId(booking["attendee"]["id"].as_i64().unwrap());
    let off = boxoffice_store::ChannelPreferences {
        email: false,
        ..Default::default()
    };
    app.store
        .set_attendee_preferences(attendee, off, None, chrono::Utc::now())
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let mut update = json!({"title": "Jazz Night, later"});
    update["start_time"] = json!("2030-12-05T20:00:00");
    let updated = app
        .organizer()
        .patch(&format!("/events/{event}"), &update)
        .await;
    expect_status(updated, 200).await;
    let mut recorded = Vec::new();
    for _ in 0..200 {
        recorded = app
            .store
            .recent_deliveries(50)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.notice == "event_changed" && r.channel == Channel::Email)
            .map(|r| (r.recipient, r.status))
            .collect();
        if !recorded.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        recorded,
        vec![("quiet@example.test".to_owned(), DeliveryStatus::Skipped)]
    );
    assert!(read_folder(&dir).is_empty(), "nothing was mailed");
    app.stop().await;
}

/// The first on the waitlist hears that a cancelled seat is theirs, with the calendar file.
async fn a_seat_given_back_mails_the_first_in_line(backend: Backend) {
    let (app, dir) = app(backend).await;
    let mut body = event_body("Jazz Night", 1);
    body["timezone"] = json!("Europe/Paris");
    body["start_time"] = json!("2030-12-05T19:00:00");
    body["end_time"] = json!("2030-12-05T22:00:00");
    let event = expect_status(app.organizer().post("/events", &body).await, 201).await;
    let event = event["id"].as_i64().unwrap();
    let seat = app
        .post(
            &format!("/events/{event}/book"),
            &json!({"name": "Holder", "email": "holder@example.test"}),
        )
        .await;
    let seat = expect_status(seat, 201).await;
    let line = app
        .post(
            &format!("/events/{event}/waitlist"),
            &json!({"name": "Noor", "email": "noor@example.test", "locale": "en"}),
        )
        .await;
    expect_status(line, 201).await;
    // The holder's confirmation and the organizer's notice.
    wait_for_mail(&dir, 2).await;

    let cancelled = app
        .request(
            reqwest::Method::DELETE,
            &format!("/bookings/{}", seat["id"]),
        )
        .header("X-Cancel-Token", seat["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(cancelled, 200).await;

    // Cancellation (holder, organizer) and promotion (Noor, organizer).
    let mails = wait_for_mail(&dir, 6).await;
    let noor = mails
        .iter()
        .find(|m| m.to.contains("noor@example.test"))
        .expect("a message to the first in line");
    assert_eq!(
        noor.subject,
        "A seat freed up: you are booked for Jazz Night"
    );
    assert!(noor.text.contains("Hello Noor,"), "{}", noor.text);
    assert!(
        noor.text
            .contains("https://tickets.example.test/app/bookings")
    );
    let ics = noor.calendar.as_deref().expect("a calendar file");
    assert!(ics.contains("SUMMARY:Jazz Night\r\n"), "{ics}");
    let organizer = mails
        .iter()
        .filter(|m| m.to.contains("organizer@example.com"))
        .filter(|m| m.text.contains("Noor booked a seat"))
        .count();
    assert_eq!(organizer, 1, "the organizer hears of Noor's booking");
    app.stop().await;
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(boxoffice_testkit::Backend::Sqlite).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(boxoffice_testkit::Backend::Postgres).await }
        )* }
    };
}

on_both!(
    a_booking_mails_the_attendee_in_their_language_and_the_organizer,
    deleting_an_event_mails_every_attendee_it_had,
    an_attendee_who_turned_email_off_gets_none_and_it_is_recorded,
    a_seat_given_back_mails_the_first_in_line
);
