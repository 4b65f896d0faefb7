//! Booking rules: capacity, duplicates, cancellation, idempotency and input.

use super::*;

on_both_databases!(
    walkthrough_five_seats_sixth_refused_cancellation_lets_one_more_in,
    second_active_booking_by_the_same_email_is_refused_whatever_its_case,
    cancelling_twice_frees_exactly_one_seat,
    the_same_person_can_book_again_after_cancelling,
    register_is_an_alias_of_book,
    an_idempotency_key_replays_the_first_response_and_books_nothing_more,
    an_idempotency_key_reused_with_another_body_is_refused,
    a_refusal_is_replayed_too,
    booking_an_unknown_event_is_a_404,
    booking_a_canceled_event_is_refused_as_not_bookable,
    invalid_booking_input_is_reported_per_field,
);

async fn walkthrough_five_seats_sixth_refused_cancellation_lets_one_more_in(app: TestApp) {
    let event = app.create_event(5).await;
    let mut bookings = Vec::new();
    for n in 1..=5 {
        let body = expect_status(
            app.book(event, &format!("person{n}@example.com")).await,
            201,
        )
        .await;
        assert_eq!(body["status"], "confirmed");
        assert!(body["cancel_token"].as_str().is_some_and(|t| t.len() >= 40));
        bookings.push(body);
    }
    assert_eq!(app.seats(event).await, (5, 0));

    let refused = expect_problem(
        app.book(event, "person6@example.com").await,
        400,
        "event_full",
    )
    .await;
    assert_eq!(refused["title"], "Event is fully booked");

    let first = &bookings[0];
    let cancel = app
        .request(
            reqwest::Method::DELETE,
            &format!("/bookings/{}", first["id"]),
        )
        .header("X-Cancel-Token", first["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(expect_status(cancel, 200).await["status"], "cancelled");
    assert_eq!(app.seats(event).await, (4, 1));

    expect_status(app.book(event, "person6@example.com").await, 201).await;
    assert_eq!(app.seats(event).await, (5, 0));
    expect_problem(
        app.book(event, "person7@example.com").await,
        400,
        "event_full",
    )
    .await;
}

async fn second_active_booking_by_the_same_email_is_refused_whatever_its_case(app: TestApp) {
    let event = app.create_event(10).await;
    expect_status(app.book(event, "ann@example.com").await, 201).await;
    let refused = expect_problem(
        app.book(event, "ANN@Example.COM").await,
        400,
        "already_booked",
    )
    .await;
    assert_eq!(refused["title"], "Attendee already booked this event");
    assert_eq!(app.seats(event).await, (1, 9));
}

async fn cancel(app: &TestApp, booking: &serde_json::Value) -> reqwest::Response {
    app.request(
        reqwest::Method::DELETE,
        &format!("/bookings/{}", booking["id"]),
    )
    .header("X-Cancel-Token", booking["cancel_token"].as_str().unwrap())
    .send()
    .await
    .unwrap()
}

async fn cancelling_twice_frees_exactly_one_seat(app: TestApp) {
    let event = app.create_event(3).await;
    let booking = expect_status(app.book(event, "a@example.com").await, 201).await;
    expect_status(app.book(event, "b@example.com").await, 201).await;
    for _ in 0..3 {
        let body = expect_status(cancel(&app, &booking).await, 200).await;
        assert_eq!(body["status"], "cancelled");
        assert!(body["cancelled_at"].is_string());
    }
    assert_eq!(app.seats(event).await, (1, 2));
}

async fn the_same_person_can_book_again_after_cancelling(app: TestApp) {
    let event = app.create_event(2).await;
    let first = expect_status(app.book(event, "ann@example.com").await, 201).await;
    expect_status(cancel(&app, &first).await, 200).await;
    let second = expect_status(app.book(event, "ann@example.com").await, 201).await;
    assert_ne!(first["id"], second["id"]);
    assert_eq!(first["attendee"]["id"], second["attendee"]["id"]);
    assert_eq!(app.seats(event).await, (1, 1));
}

async fn register_is_an_alias_of_book(app: TestApp) {
    let event = app.create_event(2).await;
    let body = json!({"name": "Ann", "email": "ann@example.com"});
    expect_status(
        app.post(&format!("/events/{event}/register"), &body).await,
        201,
    )
    .await;
    expect_problem(
        app.post(&format!("/events/{event}/register/"), &body).await,
        400,
        "already_booked",
    )
    .await;
}

async fn an_idempotency_key_replays_the_first_response_and_books_nothing_more(app: TestApp) {
    let event = app.create_event(5).await;
    let send = || {
        app.request(reqwest::Method::POST, &format!("/events/{event}/book"))
            .header("Idempotency-Key", "order-123")
            .json(&json!({"name": "Ann", "email": "ann@example.com"}))
            .send()
    };
    let first = expect_status(send().await.unwrap(), 201).await;
    let repeat = send().await.unwrap();
    assert_eq!(repeat.headers()["idempotent-replayed"], "true");
    let second = expect_status(repeat, 201).await;
    assert_eq!(
        first, second,
        "the replay is the first response, cancel token included"
    );
    assert_eq!(app.seats(event).await, (1, 4));
}

async fn an_idempotency_key_reused_with_another_body_is_refused(app: TestApp) {
    let event = app.create_event(5).await;
    let send = |email: &'static str| {
        app.request(reqwest::Method::POST, &format!("/events/{event}/book"))
            .header("Idempotency-Key", "k-1")
            .json(&json!({"name": "Ann", "email": email}))
            .send()
    };
    expect_status(send("ann@example.com").await.unwrap(), 201).await;
    expect_problem(
        send("bob@example.com").await.unwrap(),
        422,
        "idempotency_key_reused",
    )
    .await;
    assert_eq!(app.seats(event).await, (1, 4));
}

async fn a_refusal_is_replayed_too(app: TestApp) {
    let event = app.create_event(1).await;
    expect_status(app.book(event, "first@example.com").await, 201).await;
    let send = || {
        app.request(reqwest::Method::POST, &format!("/events/{event}/book"))
            .header("Idempotency-Key", "late")
            .json(&json!({"name": "Late", "email": "late@example.com"}))
            .send()
    };
    expect_problem(send().await.unwrap(), 400, "event_full").await;
    expect_problem(send().await.unwrap(), 400, "event_full").await;
}

async fn booking_an_unknown_event_is_a_404(app: TestApp) {
    expect_problem(
        app.book(999_999, "ann@example.com").await,
        404,
        "event_not_found",
    )
    .await;
    expect_problem(
        app.post(
            "/events/abc/book",
            &json!({"name": "A", "email": "a@example.com"}),
        )
        .await,
        400,
        "invalid_path_parameter",
    )
    .await;
}

async fn booking_a_canceled_event_is_refused_as_not_bookable(app: TestApp) {
    let event = app.create_event(5).await;
    expect_status(
        app.organizer()
            .patch(&format!("/events/{event}"), &json!({"status": "canceled"}))
            .await,
        200,
    )
    .await;
    let body = expect_problem(
        app.book(event, "ann@example.com").await,
        400,
        "event_not_bookable",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("canceled"));
    assert_eq!(app.seats(event).await, (0, 5));
}

async fn invalid_booking_input_is_reported_per_field(app: TestApp) {
    let event = app.create_event(5).await;
    let body = expect_problem(
        app.post(
            &format!("/events/{event}/book"),
            &json!({"name": " ", "email": "nope"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email"]);
    let missing = expect_problem(
        app.post(&format!("/events/{event}/book"), &json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(missing["errors"].as_array().unwrap().len(), 2);
    assert_eq!(app.seats(event).await, (0, 5));
}
