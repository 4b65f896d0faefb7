//! `GET`/`PUT /me/notification-preferences` for signed-in users and for attendees by
//! their token, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use reqwest::Method;
use serde_json::json;

on_both_databases!(
    a_user_reads_defaults_then_chooses_channels_and_language,
    an_attendee_chooses_by_token_and_their_language_is_kept_on_the_attendee,
    nobody_and_a_forged_token_are_refused,
    every_channel_must_be_given_and_the_locale_must_be_a_language_tag,
    a_user_who_turned_the_websocket_off_gets_no_notifications_but_still_watches_seats,
);

const PATH: &str = "/me/notification-preferences";

async fn a_user_reads_defaults_then_chooses_channels_and_language(app: TestApp) {
    let user = app.session(&app.organizer_token);
    let before = expect_status(user.get(PATH).await, 200).await;
    assert_eq!(
        before,
        json!({"holder": "user", "websocket": true, "email": true, "push": true, "locale": null})
    );
    let chosen = json!({"websocket": true, "email": false, "push": true, "locale": "fr-ca"});
    let stored = expect_status(user.put(PATH, &chosen).await, 200).await;
    assert_eq!(
        stored,
        json!({"holder": "user", "websocket": true, "email": false, "push": true, "locale": "fr-CA"})
    );
    // Without a locale, the language chosen before stays.
    let again = json!({"websocket": false, "email": true, "push": true});
    let kept = expect_status(user.put(PATH, &again).await, 200).await;
    assert_eq!(kept["locale"], "fr-CA");
    assert_eq!(kept["websocket"], false);
    assert_eq!(expect_status(user.get(PATH).await, 200).await, kept);
}

async fn an_attendee_chooses_by_token_and_their_language_is_kept_on_the_attendee(app: TestApp) {
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.test", "locale": "es"}),
        )
        .await,
        201,
    )
    .await;
    let token = ann["token"].as_str().unwrap();
    let read = |method: Method| app.request(method, PATH).header("X-Attendee-Token", token);
    let before = expect_status(read(Method::GET).send().await.unwrap(), 200).await;
    assert_eq!(
        before,
        json!({"holder": "attendee", "websocket": true, "email": true, "push": true, "locale": "es"})
    );
    let chosen = json!({"websocket": true, "email": false, "push": false, "locale": "hi"});
    let stored = expect_status(read(Method::PUT).json(&chosen).send().await.unwrap(), 200).await;
    assert_eq!(stored["email"], false);
    assert_eq!(stored["locale"], "hi");
    let record = app
        .request(Method::GET, &format!("/attendees/{}", ann["id"]))
        .header("X-Attendee-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(expect_status(record, 200).await["locale"], "hi");
}

async fn nobody_and_a_forged_token_are_refused(app: TestApp) {
    expect_status(app.get(PATH).await, 401).await;
    let forged = app
        .request(Method::PUT, PATH)
        .header("X-Attendee-Token", "forged")
        .json(&json!({"websocket": true, "email": true, "push": true}))
        .send()
        .await
        .unwrap();
    expect_status(forged, 401).await;
}

async fn every_channel_must_be_given_and_the_locale_must_be_a_language_tag(app: TestApp) {
    let user = app.session(&app.organizer_token);
    let missing = user
        .put(PATH, &json!({"websocket": true, "email": true}))
        .await;
    let problem = expect_problem(missing, 422, "validation_failed").await;
    assert!(problem.to_string().contains("push"), "{problem}");
    let bad = json!({"websocket": true, "email": true, "push": true, "locale": "not a tag"});
    let problem = expect_problem(user.put(PATH, &bad).await, 422, "validation_failed").await;
    assert!(problem.to_string().contains("locale"), "{problem}");
}

async fn a_user_who_turned_the_websocket_off_gets_no_notifications_but_still_watches_seats(
    app: TestApp,
) {
    let quiet = app.sign_up("quiet").await;
    let off = json!({"websocket": false, "email": true, "push": true});
    expect_status(app.session(&quiet).put(PATH, &off).await, 200).await;
    let mut quiet_ws = app.ws(Some(&quiet)).await;
    let mut organizer_ws = app.ws(Some(&app.organizer_token)).await;

    let event = app.create_event(10).await;
    organizer_ws.next_of_type("notification").await;
    quiet_ws
        .expect_silence(std::time::Duration::from_millis(300))
        .await;

    // Commands still work, and seat counts still arrive.
    quiet_ws.command("watch", event).await;
    expect_status(app.book(event, "seat@example.test").await, 201).await;
    // The first frame may be the counts at the moment of watching.
    let mut seats = quiet_ws.next_of_type("seats").await;
    if seats["seats_booked"] == 0 {
        seats = quiet_ws.next_of_type("seats").await;
    }
    assert_eq!(seats["seats_booked"], 1);
    quiet_ws
        .expect_silence(std::time::Duration::from_millis(200))
        .await;
}
