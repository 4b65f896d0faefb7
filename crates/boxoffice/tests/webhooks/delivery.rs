//! What reaches a receiver: signed, retried, replayed, scoped, stopped.

use super::*;

on_both!(
    a_booking_is_delivered_signed_and_the_reference_library_verifies_it,
    a_failing_receiver_is_retried_with_growing_waits_until_it_answers,
    attempts_are_bounded_and_a_replay_sends_again_with_the_same_webhook_id,
    an_endpoint_for_one_event_hears_nothing_of_another,
    a_deleted_endpoint_receives_nothing_more,
);

async fn a_booking_is_delivered_signed_and_the_reference_library_verifies_it(app: TestApp) {
    let receiver = Receiver::start().await;
    let created = register(
        &app,
        &receiver,
        "bookings",
        json!({"event_types": ["booking.created"], "description": "Ticketing sync"}),
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{created}");
    let event = app.create_event(10).await;
    let booking = expect_status(app.book(event, "asha@example.com").await, 201).await;

    let received = receiver.wait_for("bookings", 1).await;
    let first = &received[0];
    assert_eq!(first["verified"], true, "{first}");
    assert_eq!(first["content_type"], "application/json");
    let payload = &first["payload"];
    assert_eq!(payload["type"], "booking.created");
    assert_eq!(payload["data"]["event_id"], event);
    assert_eq!(payload["data"]["booking_id"], booking["id"]);
    assert_eq!(payload["data"]["seats"]["seats_booked"], 1);
    assert!(payload["timestamp"].as_str().unwrap().ends_with('Z'));

    // The log shows it delivered, under the same webhook-id; the secret is never shown again.
    let id = created["id"].as_i64().unwrap();
    let delivered = settled(&app, id, "delivered").await;
    assert_eq!(delivered["message_id"], first["webhook_id"]);
    assert_eq!(delivered["attempts"], 1);
    assert_eq!(delivered["last_response_code"], 204);
    assert_eq!(delivered["payload"], *payload);
    let shown = expect_status(app.organizer().get(&format!("/webhooks/{id}")).await, 200).await;
    assert!(shown.get("secret").is_none(), "{shown}");
    assert_eq!(shown["event_types"], json!(["booking.created"]));
    // Only booking.created: the event's creation was not delivered.
    assert_eq!(receiver.received("bookings").await.len(), 1);
}

async fn a_failing_receiver_is_retried_with_growing_waits_until_it_answers(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.fail_next("flaky", 2, 503).await;
    let created = register(
        &app,
        &receiver,
        "flaky",
        json!({"event_types": ["booking.created"]}),
    )
    .await;
    let event = app.create_event(10).await;
    expect_status(app.book(event, "ravi@example.com").await, 201).await;

    let received = receiver.wait_for("flaky", 3).await;
    let answers: Vec<&Value> = received.iter().map(|r| &r["answered"]).collect();
    assert_eq!(answers, [&json!(503), &json!(503), &json!(204)]);
    assert!(received.iter().all(|r| r["verified"] == true));
    assert!(
        received
            .iter()
            .all(|r| r["webhook_id"] == received[0]["webhook_id"]),
        "one webhook-id across retries: {received:?}"
    );
    let at: Vec<f64> = received
        .iter()
        .map(|r| r["received_at"].as_f64().unwrap())
        .collect();
    let (first_wait, second_wait) = (at[1] - at[0], at[2] - at[1]);
    assert!(
        first_wait >= 0.25,
        "waited {first_wait}s after the first failure"
    );
    assert!(
        second_wait >= 0.55,
        "waited {second_wait}s after the second"
    );

    let delivered = settled(&app, created["id"].as_i64().unwrap(), "delivered").await;
    assert_eq!(delivered["attempts"], 3);
    assert_eq!(delivered["last_response_code"], 204);
    assert_eq!(delivered["last_error"], Value::Null);
}

async fn attempts_are_bounded_and_a_replay_sends_again_with_the_same_webhook_id(app: TestApp) {
    let receiver = Receiver::start().await;
    // Four attempts in all with FAST_RETRIES; every one fails.
    receiver.fail_next("down", 4, 500).await;
    let created = register(
        &app,
        &receiver,
        "down",
        json!({"event_types": ["booking.created"]}),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let event = app.create_event(10).await;
    expect_status(app.book(event, "mei@example.com").await, 201).await;

    let failed = settled(&app, id, "failed").await;
    assert_eq!(failed["attempts"], 4);
    assert_eq!(failed["last_response_code"], 500);
    assert_eq!(failed["next_attempt_at"], Value::Null);
    assert_eq!(receiver.received("down").await.len(), 4);

    let delivery = failed["id"].as_i64().unwrap();
    let replayed = app
        .organizer()
        .post(
            &format!("/webhooks/{id}/deliveries/{delivery}/replay"),
            &json!({}),
        )
        .await;
    let queued = expect_status(replayed, 202).await;
    assert_eq!(queued["status"], "pending");
    assert_eq!(queued["message_id"], failed["message_id"]);

    let received = receiver.wait_for("down", 5).await;
    assert_eq!(received[4]["answered"], 204);
    assert_eq!(received[4]["webhook_id"], received[0]["webhook_id"]);
    assert_eq!(received[4]["body"], received[0]["body"]);
    let delivered = settled(&app, id, "delivered").await;
    assert_eq!(delivered["attempts"], 1);

    let unknown = app
        .organizer()
        .post(
            &format!("/webhooks/{id}/deliveries/999999/replay"),
            &json!({}),
        )
        .await;
    expect_problem(unknown, 404, "webhook_delivery_not_found").await;
}

async fn an_endpoint_for_one_event_hears_nothing_of_another(app: TestApp) {
    let receiver = Receiver::start().await;
    let (a, b) = (app.create_event(10).await, app.create_event(10).await);
    let scoped = json!({"event_id": a, "event_types": ["booking.created"]});
    register(&app, &receiver, "only-a", scoped).await;
    // B's booking is written first: by the time A's arrives, B's was fanned out too.
    expect_status(app.book(b, "bo@example.com").await, 201).await;
    expect_status(app.book(a, "al@example.com").await, 201).await;

    let received = receiver.wait_for("only-a", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received_now = receiver.received("only-a").await;
    assert_eq!(received_now.len(), received.len(), "{received_now:?}");
    assert!(
        received_now
            .iter()
            .all(|r| r["payload"]["data"]["event_id"] == a),
        "{received_now:?}"
    );
    assert_eq!(received_now[0]["payload"]["type"], "booking.created");
}

async fn a_deleted_endpoint_receives_nothing_more(app: TestApp) {
    let receiver = Receiver::start().await;
    let types = json!({"event_types": ["booking.created"]});
    let doomed = register(&app, &receiver, "doomed", types.clone()).await;
    let witness = register(&app, &receiver, "witness", types).await;
    let event = app.create_event(10).await;
    expect_status(app.book(event, "one@example.com").await, 201).await;
    receiver.wait_for("doomed", 1).await;

    let id = doomed["id"].as_i64().unwrap();
    let gone = app.organizer().delete(&format!("/webhooks/{id}")).await;
    assert_eq!(gone.status(), 204);
    expect_problem(
        app.organizer().get(&format!("/webhooks/{id}")).await,
        404,
        "webhook_not_found",
    )
    .await;
    expect_status(app.book(event, "two@example.com").await, 201).await;

    // The witness, registered alongside, hears the second booking; the deleted one does not.
    receiver.wait_for("witness", 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received("doomed").await.len(), 1);
    assert!(witness["id"].as_i64().is_some());
}
