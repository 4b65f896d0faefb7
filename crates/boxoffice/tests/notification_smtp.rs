//! E-mail through a real SMTP server: aiosmtpd on loopback (`scripts/lib/smtp.sh`),
//! named by `BOXOFFICE_TEST_SMTP` and storing what it receives in the Maildir
//! `BOXOFFICE_TEST_SMTP_MAILDIR`. One booking per language; each attendee's confirmation
//! arrives in their language with its calendar file and ticket QR code, and the organizer
//! hears of each.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_channels::{MailTransport, SmtpSecurity, SmtpSettings};
use boxoffice_testkit::{Backend, Options, TestApp, event_body, expect_status};
use common::mail::{Mail, parse};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// The SMTP server and its Maildir; skipped on a workstation without them, a failure in CI.
fn smtp() -> Option<(String, u16, PathBuf)> {
    match (
        std::env::var("BOXOFFICE_TEST_SMTP"),
        std::env::var("BOXOFFICE_TEST_SMTP_MAILDIR"),
    ) {
        (Ok(address), Ok(maildir)) => {
            let (host, port) = address.rsplit_once(':').expect("host:port");
            Some((
                host.to_owned(),
                port.parse().expect("a port"),
                maildir.into(),
            ))
        }
        _ if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("CI=true but BOXOFFICE_TEST_SMTP is unset: the SMTP tests must run in CI")
        }
        _ => None,
    }
}

/// Messages in the Maildir addressed to `address`.
fn received(maildir: &std::path::Path, address: &str) -> Vec<Mail> {
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .map(|raw| parse(&raw))
        .filter(|m| m.to.contains(address))
        .collect()
}

async fn every_language_arrives_over_smtp_with_its_calendar_file(backend: Backend) {
    let Some((host, port, maildir)) = smtp() else {
        eprintln!("skipped: BOXOFFICE_TEST_SMTP is unset (scripts/test.sh starts aiosmtpd)");
        return;
    };
    let app = TestApp::start_with(
        backend,
        Options {
            mail: Some(MailTransport::Smtp(SmtpSettings {
                host,
                port,
                security: SmtpSecurity::None,
                username: None,
                password: None,
                timeout: Duration::from_secs(10),
            })),
            ..Options::default()
        },
    )
    .await;
    let mut body = event_body("Raga Evening", 20);
    body["timezone"] = json!("Asia/Kolkata");
    body["start_time"] = json!("2031-01-10T18:30:00");
    body["end_time"] = json!("2031-01-10T21:00:00");
    let event = expect_status(app.organizer().post("/events", &body).await, 201).await;
    let event = event["id"].as_i64().unwrap();

    let run = uuid::Uuid::new_v4().simple().to_string();
    let expected = [
        ("en-GB", "Booking confirmed: Raga Evening", "Hello "),
        ("fr-CA", "Réservation confirmée : Raga Evening", "Bonjour "),
        ("de", "Buchung bestätigt: Raga Evening", "Hallo "),
        ("es-MX", "Reserva confirmada: Raga Evening", "Hola, "),
        ("hi-IN", "बुकिंग की पुष्टि: Raga Evening", "नमस्ते "),
    ];
    let mut tickets = Vec::new();
    for (locale, _, _) in expected {
        let email = format!("{run}-{locale}@example.test");
        let seat = json!({"name": format!("Guest {locale}"), "email": email, "locale": locale});
        let booked =
            expect_status(app.post(&format!("/events/{event}/book"), &seat).await, 201).await;
        let image = app
            .request(
                reqwest::Method::GET,
                &format!("/bookings/{}/ticket.png", booked["id"]),
            )
            .header("X-Cancel-Token", booked["cancel_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        tickets.push(image.bytes().await.unwrap().to_vec());
    }

    for ((locale, subject, greeting), ticket) in expected.into_iter().zip(&tickets) {
        let address = format!("{run}-{locale}@example.test");
        let mut mails = Vec::new();
        for _ in 0..200 {
            mails = received(&maildir, &address);
            if !mails.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(mails.len(), 1, "{locale}: one confirmation");
        let mail = &mails[0];
        assert_eq!(mail.subject, subject);
        assert!(
            mail.text.contains(&format!("{greeting}Guest {locale}")),
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains("2031-01-10 18:30 (Asia/Kolkata)"),
            "{}",
            mail.text
        );
        assert!(mail.html.contains(&format!("Guest {locale}")));
        let ics = mail.calendar.as_deref().expect("a calendar file");
        assert!(
            ics.contains("DTSTART;TZID=Asia/Kolkata:20310110T183000\r\n"),
            "{ics}"
        );
        assert!(ics.contains("TZOFFSETTO:+0530\r\n"));
        // The booking's ticket, as its QR code PNG, survives the SMTP round trip.
        assert_eq!(
            mail.ticket.as_ref(),
            Some(ticket),
            "{locale}: the ticket image"
        );
    }
    // Every attempt is recorded as sent.
    let mut sent = 0;
    for _ in 0..200 {
        sent = app
            .store
            .recent_deliveries(100)
            .await
            .unwrap()
            .iter()
            .filter(|r| {
                r.notice == "booking_confirmed"
                    && r.status == boxoffice_channels::DeliveryStatus::Sent
                    && r.recipient.starts_with(&run)
            })
            .count();
        if sent == expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sent, expected.len());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_language_arrives_over_smtp() {
    every_language_arrives_over_smtp_with_its_calendar_file(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_language_arrives_over_smtp() {
    every_language_arrives_over_smtp_with_its_calendar_file(Backend::Postgres).await
}
