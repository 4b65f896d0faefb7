//! Without an SMTP server, mail is written to a folder as `.eml` files.

#![allow(clippy::unwrap_used)]

use boxoffice_channels::ics::{CalendarEvent, calendar};
use boxoffice_channels::{
    MailAttachment, MailTransport, Mailer, Notice, OutgoingMail, Placeholder, Placeholders,
    Templates,
};
use boxoffice_domain::Zone;

#[tokio::test]
async fn a_confirmation_lands_in_the_folder_with_both_parts_and_the_calendar_file() {
    let dir = std::env::temp_dir().join(format!("boxoffice-mail-{}", uuid::Uuid::new_v4()));
    let mailer = Mailer::new(
        "Boxoffice <no-reply@boxoffice.test>",
        MailTransport::Folder(dir.clone()),
    )
    .unwrap();
    assert_eq!(mailer.kind(), "folder");
    let values = Placeholders::new()
        .with(Placeholder::RecipientName, "Asha")
        .with(Placeholder::EventTitle, "Jazz Night")
        .with(Placeholder::StartsAt, "2026-12-05 19:00 (Europe/Paris)")
        .with(Placeholder::Link, "https://boxoffice.test/manage");
    let content = Templates::new()
        .render(Notice::BookingConfirmed, "de-AT", &values)
        .unwrap();
    let ics = calendar(&CalendarEvent {
        uid: "booking-1@boxoffice.test".into(),
        title: "Jazz Night".into(),
        description: None,
        location: Some("Paris".into()),
        url: None,
        zone: Zone::parse("Europe/Paris").unwrap(),
        start: "2026-12-05T18:00:00Z".parse().unwrap(),
        end: "2026-12-05T20:00:00Z".parse().unwrap(),
        stamp: chrono::Utc::now(),
        cancelled: false,
    });
    let mail = OutgoingMail {
        to_name: "Asha".into(),
        to_address: "asha@example.test".into(),
        content,
        attachments: vec![MailAttachment {
            filename: "invite.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            body: ics.into_bytes(),
        }],
    };
    mailer.send(&mail).await.unwrap();

    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("To: Asha <asha@example.test>"), "{eml}");
    assert!(eml.contains("From: Boxoffice <no-reply@boxoffice.test>"));
    assert!(eml.contains("multipart/alternative"));
    assert!(eml.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(eml.contains("Content-Type: text/html; charset=utf-8"));
    assert!(eml.contains("filename=\"invite.ics\""));
    assert!(eml.contains("text/calendar"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_bad_address_is_refused_before_anything_is_written() {
    let dir = std::env::temp_dir().join(format!("boxoffice-mail-{}", uuid::Uuid::new_v4()));
    let mailer = Mailer::new(
        "no-reply@boxoffice.test",
        MailTransport::Folder(dir.clone()),
    )
    .unwrap();
    let values = Placeholders::new()
        .with(Placeholder::RecipientName, "A")
        .with(Placeholder::Link, "https://boxoffice.test/x")
        .with(Placeholder::ValidMinutes, "15");
    let content = Templates::new()
        .render(Notice::MagicLink, "en", &values)
        .unwrap();
    let err = mailer
        .send(&OutgoingMail {
            to_name: "A".into(),
            to_address: "not an address".into(),
            content,
            attachments: Vec::new(),
        })
        .await
        .unwrap_err();
    assert!(!err.is_transient());
    assert!(!dir.exists());
}
