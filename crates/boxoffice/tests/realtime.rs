//! Real time over a real WebSocket: the notification frame, who receives what,
//! live seats for anyone, and the notification history.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, event_body, expect_problem, expect_status, on_both_databases};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

on_both_databases!(
    a_new_event_reaches_every_signed_in_client_with_the_notification_frame,
    updates_and_deletions_reach_subscribers_and_the_creator_only,
    unsubscribing_stops_updates,
    anyone_can_watch_live_seat_counts,
    bookings_and_cancellations_notify_the_event_owner,
    socket_commands_are_checked,
    the_history_lists_each_users_notifications_newest_first,
    a_burst_of_bookings_larger_than_a_relay_round_is_recorded_once_each,
    subscriptions_over_rest_need_a_signed_in_user_and_an_event,
);

/// Absence is checked over this window; presence never waits for it.
const QUIET: Duration = Duration::from_millis(300);

async fn a_new_event_reaches_every_signed_in_client_with_the_notification_frame(app: TestApp) {
    let alice = app.sign_up("alice").await;
    let mut creator = app.ws(Some(&app.organizer_token)).await;
    let mut other = app.ws(Some(&alice)).await;
    let mut anonymous = app.ws(None).await;

    let created = expect_status(
        app.organizer()
            .post("/events", &event_body("Rust Meetup", 10))
            .await,
        201,
    )
    .await;
    for client in [&mut creator, &mut other] {
        let text = client.next_text().await;
        let frame: serde_json::Value = serde_json::from_str(&text).unwrap();
        let timestamp = frame["event"]["timestamp"].as_str().unwrap();
        let expected = format!(
            r#"{{"type": "notification", "notification_type": "event.created", "event": {{"id": "{}", "title": "Rust Meetup", "action": "created", "timestamp": "{timestamp}"}}, "user": "organizer"}}"#,
            created["id"]
        );
        assert_eq!(text, expected);
        assert!(
            chrono::DateTime::parse_from_rfc3339(timestamp).is_ok() && timestamp.ends_with('Z')
        );
    }
    anonymous.expect_silence(QUIET).await;
}

async fn updates_and_deletions_reach_subscribers_and_the_creator_only(app: TestApp) {
    let event = app.create_event(10).await;
    let (ann, bob, carl) = (
        app.sign_up("ann").await,
        app.sign_up("bob").await,
        app.sign_up("carl").await,
    );
    let mut creator = app.ws(Some(&app.organizer_token)).await;
    let mut socket_subscriber = app.ws(Some(&ann)).await;
    let mut rest_subscriber = app.ws(Some(&bob)).await;
    let mut bystander = app.ws(Some(&carl)).await;
    assert_eq!(
        socket_subscriber.command("subscribe", event).await["type"],
        "ack"
    );
    expect_status(
        app.session(&bob)
            .post(&format!("/events/{event}/subscription"), &json!({}))
            .await,
        204,
    )
    .await;

    expect_status(
        app.organizer()
            .patch(&format!("/events/{event}"), &json!({"title": "Renamed"}))
            .await,
        200,
    )
    .await;
    for client in [&mut creator, &mut socket_subscriber, &mut rest_subscriber] {
        let frame = client.next_of_type("notification").await;
        assert_eq!(
            (
                frame["notification_type"].as_str(),
                frame["event"]["title"].as_str()
            ),
            (Some("event.updated"), Some("Renamed"))
        );
        assert_eq!(frame["event"]["action"], "updated");
    }
    bystander.expect_silence(QUIET).await;

    expect_status(
        app.organizer().delete(&format!("/events/{event}")).await,
        204,
    )
    .await;
    for client in [&mut creator, &mut socket_subscriber, &mut rest_subscriber] {
        let frame = client.next_of_type("notification").await;
        assert_eq!(frame["notification_type"], "event.deleted");
        assert_eq!(frame["event"]["id"], event.to_string());
    }
    bystander.expect_silence(QUIET).await;
}

async fn unsubscribing_stops_updates(app: TestApp) {
    let event = app.create_event(10).await;
    let ann = app.sign_up("ann").await;
    let mut client = app.ws(Some(&ann)).await;
    client.command("subscribe", event).await;
    assert_eq!(
        client.command("unsubscribe", event).await,
        json!({"type": "ack", "action": "unsubscribe", "event_id": event})
    );
    expect_status(
        app.organizer()
            .patch(&format!("/events/{event}"), &json!({"capacity": 20}))
            .await,
        200,
    )
    .await;
    client.expect_silence(QUIET).await;
}

async fn anyone_can_watch_live_seat_counts(app: TestApp) {
    let event = app.create_event(3).await;
    let mut watcher = app.ws(None).await;
    assert_eq!(watcher.command("watch", event).await["type"], "ack");
    let initial = watcher.next_of_type("seats").await;
    assert_eq!(
        (
            initial["capacity"].as_i64(),
            initial["seats_booked"].as_i64(),
            initial["seats_available"].as_i64()
        ),
        (Some(3), Some(0), Some(3))
    );

    let booking = expect_status(app.book(event, "ann@example.com").await, 201).await;
    // Seat frames carry absolute counts; the one from the event's creation may still be on its way.
    let after_booking = loop {
        let seats = watcher.next_of_type("seats").await;
        if seats["seats_available"] != 3 {
            break seats;
        }
    };
    assert_eq!(
        (
            after_booking["event_id"].as_i64(),
            after_booking["seats_available"].as_i64()
        ),
        (Some(event), Some(2))
    );

    let cancel = app
        .request(Method::DELETE, &format!("/bookings/{}", booking["id"]))
        .header("X-Cancel-Token", booking["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(cancel, 200).await;
    assert_eq!(watcher.next_of_type("seats").await["seats_available"], 3);
    watcher.expect_silence(QUIET).await;

    assert_eq!(watcher.command("unwatch", event).await["type"], "ack");
    expect_status(app.book(event, "bob@example.com").await, 201).await;
    watcher.expect_silence(QUIET).await;
}

async fn bookings_and_cancellations_notify_the_event_owner(app: TestApp) {
    let event = app.create_event(3).await;
    let stranger = app.sign_up("stranger").await;
    let mut owner = app.ws(Some(&app.organizer_token)).await;
    let mut other = app.ws(Some(&stranger)).await;
    let booking = expect_status(
        app.post(
            &format!("/events/{event}/book"),
            &json!({"name": "Asha Rao", "email": "asha@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let frame = owner.next_of_type("notification").await;
    assert_eq!(
        (frame["notification_type"].as_str(), frame["user"].as_str()),
        (Some("booking.created"), Some("Asha Rao"))
    );
    assert_eq!(frame["event"]["id"], event.to_string());
    let cancel = app
        .organizer()
        .delete(&format!("/bookings/{}", booking["id"]))
        .await;
    expect_status(cancel, 200).await;
    let frame = owner.next_of_type("notification").await;
    assert_eq!(
        (frame["notification_type"].as_str(), frame["user"].as_str()),
        (Some("booking.cancelled"), Some("organizer"))
    );
    other.expect_silence(QUIET).await;
}

async fn socket_commands_are_checked(app: TestApp) {
    let event = app.create_event(3).await;
    let mut anonymous = app.ws(None).await;
    assert_eq!(
        anonymous.command("subscribe", event).await["code"],
        "authentication_required"
    );
    assert_eq!(
        anonymous.command("watch", 999_999).await["code"],
        "event_not_found"
    );
    anonymous.send(json!({"hello": "there"})).await;
    assert_eq!(anonymous.next_json().await["code"], "invalid_message");
    assert_eq!(
        anonymous.command("dance", event).await["code"],
        "invalid_message"
    );

    let token = app.sign_up("ann").await;
    let mut signed_in = app.ws(Some(&token)).await;
    assert_eq!(
        signed_in.command("subscribe", 999_999).await["code"],
        "event_not_found"
    );

    let refused = app
        .request(Method::GET, "/ws?token=not.a.jwt")
        .header("Connection", "upgrade")
        .send()
        .await
        .unwrap();
    expect_problem(refused, 401, "invalid_token").await;
    expect_problem(app.get("/ws").await, 426, "upgrade_required").await;
}

async fn the_history_lists_each_users_notifications_newest_first(app: TestApp) {
    let stranger = app.sign_up("stranger").await;
    let event = app.create_event(3).await;
    expect_status(app.book(event, "ann@example.com").await, 201).await;
    expect_status(
        app.organizer()
            .patch(&format!("/events/{event}"), &json!({"title": "Later"}))
            .await,
        200,
    )
    .await;

    let owner_history = wait_for_history(&app, &app.organizer_token, 3).await;
    let kinds: Vec<&str> = owner_history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["notification_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["event.updated", "booking.created", "event.created"]);
    assert_eq!(owner_history["items"][0]["type"], "notification");
    assert_eq!(owner_history["items"][0]["event"]["title"], "Later");

    let stranger_history = wait_for_history(&app, &stranger, 1).await;
    let kinds: Vec<&str> = stranger_history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["notification_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["event.created"],
        "bookings and updates go to the owner and subscribers only"
    );
    expect_problem(
        app.get("/notifications").await,
        401,
        "authentication_required",
    )
    .await;
}

async fn a_burst_of_bookings_larger_than_a_relay_round_is_recorded_once_each(app: TestApp) {
    use futures::StreamExt;
    // More than one relay round (500 messages) and several history statements (200 rows).
    const BOOKINGS: usize = 640;
    let event = app.create_event(BOOKINGS as i64).await;
    let booked: Vec<u16> = futures::stream::iter(0..BOOKINGS)
        .map(|n| {
            let app = &app;
            async move {
                app.book(event, &format!("burst{n}@example.com"))
                    .await
                    .status()
                    .as_u16()
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(
        booked.iter().all(|status| *status == 201),
        "every booking is acknowledged"
    );
    // The owner's history: the event's creation and each booking, exactly once.
    let history = wait_for_history(&app, &app.organizer_token, BOOKINGS as i64 + 1).await;
    assert_eq!(history["items"][0]["notification_type"], "booking.created");
    assert_eq!(app.seats(event).await.0, BOOKINGS as i64);
}

/// The history is written by a consumer shortly after the change; waits until it holds `count` items.
async fn wait_for_history(app: &TestApp, token: &str, count: i64) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + boxoffice_testkit::PATIENCE;
    loop {
        let page = expect_status(app.session(token).get("/notifications").await, 200).await;
        if page["total"].as_i64() == Some(count) || tokio::time::Instant::now() > deadline {
            assert_eq!(page["total"].as_i64(), Some(count), "{page}");
            return page;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn subscriptions_over_rest_need_a_signed_in_user_and_an_event(app: TestApp) {
    let event = app.create_event(3).await;
    let path = format!("/events/{event}/subscription");
    expect_problem(
        app.post(&path, &json!({})).await,
        401,
        "authentication_required",
    )
    .await;
    expect_status(app.organizer().post(&path, &json!({})).await, 204).await;
    expect_status(app.organizer().post(&path, &json!({})).await, 204).await;
    expect_status(app.organizer().delete(&path).await, 204).await;
    expect_problem(
        app.organizer()
            .post("/events/999999/subscription", &json!({}))
            .await,
        404,
        "event_not_found",
    )
    .await;
}

#[tokio::test]
async fn open_connections_are_counted_in_metrics() {
    let app = TestApp::start(boxoffice_testkit::Backend::Sqlite).await;
    let _client = app.ws(None).await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("boxoffice_ws_connections"), "{metrics}");
}
