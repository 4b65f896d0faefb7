//! `POST /attendees/magic-link` and the link it e-mails, on SQLite and PostgreSQL, with
//! mail written to a folder: the same answer for known and unknown addresses, a link to the
//! web app whose token works once and yields a working attendee token, bad input, and the
//! rate limit.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

mod common;

use boxoffice_channels::MailTransport;
use boxoffice_testkit::{Backend, Options, TestApp, expect_problem, expect_status};
use common::mail::read_folder;
use reqwest::Method;
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

async fn app(backend: Backend, attempts: u32) -> (TestApp, PathBuf) {
    let dir = std::env::temp_dir().join(format!("boxoffice-mail-{}", uuid::Uuid::new_v4()));
    let options = Options {
        mail: Some(MailTransport::Folder(dir.clone())),
        login_attempts_per_minute: attempts,
        shared_rate_limits: false,
        ..Options::default()
    };
    (TestApp::start_with(backend, options).await, dir)
}

async fn a_link_signs_in_once_and_unknown_addresses_get_the_same_answer(backend: Backend) {
    let (app, dir) = app(backend, 100).await;
    let ann = json!({"name": "Anne", "email": "anne@example.test", "locale": "fr-BE"});
    let ann = expect_status(app.post("/attendees", &ann).await, 201).await;

    let known = app
        .post(
            "/attendees/magic-link",
            &json!({"email": "ANNE@example.test"}),
        )
        .await;
    let known = expect_status(known, 202).await;
    let unknown = app
        .post(
            "/attendees/magic-link",
            &json!({"email": "nobody@example.test"}),
        )
        .await;
    assert_eq!(
        expect_status(unknown, 202).await,
        known,
        "the same answer either way"
    );

    let mut mails = Vec::new();
    for _ in 0..200 {
        mails = read_folder(&dir);
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(mails.len(), 1, "one mail, to the known address only");
    let mail = &mails[0];
    assert!(mail.to.contains("anne@example.test"));
    assert_eq!(mail.subject, "Votre lien de connexion Boxoffice");
    assert!(mail.text.contains("15 minutes"), "{}", mail.text);
    // The link opens the web app's page, which redeems the token through the API.
    let page = format!("http://{}/app/magic/", app.address);
    let link_token = mail
        .text
        .split_whitespace()
        .find_map(|w| w.strip_prefix(&page))
        .expect("a link to the web app in the message");
    let link = format!("/attendees/magic-link/{link_token}");

    let signed_in = expect_status(app.get(&link).await, 200).await;
    assert_eq!(signed_in["attendee_id"], ann["id"]);
    assert_eq!(signed_in["token_type"], "attendee");
    let token = signed_in["token"].as_str().unwrap();
    let record = app
        .request(Method::GET, &format!("/attendees/{}", ann["id"]))
        .header("X-Attendee-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_status(record, 200).await["email"],
        "anne@example.test"
    );
    // The token from registration was replaced.
    let old = app
        .request(Method::GET, &format!("/attendees/{}", ann["id"]))
        .header("X-Attendee-Token", ann["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401);

    let again = app.get(&link).await;
    expect_problem(again, 401, "magic_link_invalid").await;
    let forged = app.get("/attendees/magic-link/not-a-real-token").await;
    expect_problem(forged, 401, "magic_link_invalid").await;
    app.stop().await;
}

async fn bad_addresses_are_refused_and_requests_are_rate_limited(backend: Backend) {
    let (app, _dir) = app(backend, 2).await;
    let missing = app.post("/attendees/magic-link", &json!({})).await;
    expect_problem(missing, 422, "validation_failed").await;
    let bad = app
        .post("/attendees/magic-link", &json!({"email": "not an address"}))
        .await;
    expect_problem(bad, 422, "validation_failed").await;
    // Sign-in attempts and link requests share the limit (the test server's own
    // sign-in at start-up used one of the two).
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let asked = app
            .post("/attendees/magic-link", &json!({"email": "x@example.test"}))
            .await;
        statuses.push(asked.status().as_u16());
    }
    assert_eq!(statuses, [202, 429, 429]);
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
    a_link_signs_in_once_and_unknown_addresses_get_the_same_answer,
    bad_addresses_are_refused_and_requests_are_rate_limited
);
