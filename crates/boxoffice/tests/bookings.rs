//! Booking rules over HTTP: capacity, duplicates, cancellation, idempotency, access.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use serde_json::json;

on_both_databases!(
    walkthrough_five_seats_sixth_refused_cancellation_lets_one_more_in,
    second_active_booking_by_the_same_email_is_refused_whatever_its_case,
    a_non_ascii_address_is_one_attendee_across_bookings,
    cancelling_twice_frees_exactly_one_seat,
    the_same_person_can_book_again_after_cancelling,
    register_is_an_alias_of_book,
    an_idempotency_key_replays_the_first_response_and_books_nothing_more,
    an_idempotency_key_reused_with_another_body_is_refused,
    a_refusal_is_replayed_too,
    booking_an_unknown_event_is_a_404,
    booking_a_canceled_event_is_refused_as_not_bookable,
    invalid_booking_input_is_reported_per_field,
    a_booking_is_visible_only_to_its_holder,
    registered_attendees_book_with_their_token,
    an_attendee_lists_only_their_own_bookings,
    bookings_render_in_the_event_zone_unless_asked,
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

async fn a_booking_is_visible_only_to_its_holder(app: TestApp) {
    let event = app.create_event(5).await;
    let mine = expect_status(app.book(event, "ann@example.com").await, 201).await;
    let theirs = expect_status(app.book(event, "bob@example.com").await, 201).await;
    let path = format!("/bookings/{}", mine["id"]);

    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    expect_problem(app.delete(&path).await, 401, "authentication_required").await;

    let with = |token: &str, method: reqwest::Method, path: &str| {
        app.request(method, path)
            .header("X-Cancel-Token", token.to_owned())
            .send()
    };
    let their_token = theirs["cancel_token"].as_str().unwrap();
    // Another booking's token cannot tell a foreign booking from a missing one.
    expect_problem(
        with(their_token, reqwest::Method::GET, &path)
            .await
            .unwrap(),
        404,
        "booking_not_found",
    )
    .await;
    expect_problem(
        with(their_token, reqwest::Method::GET, "/bookings/999999")
            .await
            .unwrap(),
        404,
        "booking_not_found",
    )
    .await;
    expect_problem(
        with(their_token, reqwest::Method::DELETE, &path)
            .await
            .unwrap(),
        404,
        "booking_not_found",
    )
    .await;
    assert_eq!(app.seats(event).await, (2, 3));

    let my_token = mine["cancel_token"].as_str().unwrap();
    let fetched = expect_status(
        with(my_token, reqwest::Method::GET, &path).await.unwrap(),
        200,
    )
    .await;
    assert_eq!(fetched["id"], mine["id"]);
    assert!(
        fetched.get("cancel_token").is_none(),
        "the token is shown only once"
    );
}

async fn registered_attendees_book_with_their_token(app: TestApp) {
    let event = app.create_event(5).await;
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let bob = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Bob", "email": "bob@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let body = json!({"event_id": event, "attendee_id": ann["id"]});

    expect_problem(
        app.post("/bookings", &body).await,
        401,
        "authentication_required",
    )
    .await;
    let as_bob = app
        .request(reqwest::Method::POST, "/bookings")
        .header("X-Attendee-Token", bob["token"].as_str().unwrap())
        .json(&body);
    expect_problem(as_bob.send().await.unwrap(), 403, "forbidden").await;

    let as_ann = || {
        app.request(reqwest::Method::POST, "/bookings")
            .header("X-Attendee-Token", ann["token"].as_str().unwrap())
    };
    let booking = expect_status(as_ann().json(&body).send().await.unwrap(), 201).await;
    assert_eq!(booking["attendee"]["id"], ann["id"]);
    expect_problem(
        as_ann().json(&body).send().await.unwrap(),
        400,
        "already_booked",
    )
    .await;
    let unknown = json!({"event_id": 999_999, "attendee_id": ann["id"]});
    expect_problem(
        as_ann().json(&unknown).send().await.unwrap(),
        404,
        "event_not_found",
    )
    .await;

    // The attendee token also cancels the attendee's bookings.
    let cancel = app
        .request(
            reqwest::Method::DELETE,
            &format!("/bookings/{}", booking["id"]),
        )
        .header("X-Attendee-Token", ann["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(cancel, 200).await;
    assert_eq!(app.seats(event).await, (0, 5));
}

async fn an_attendee_lists_only_their_own_bookings(app: TestApp) {
    let first = app.create_event(5).await;
    let second = app.create_event(5).await;
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.com"}),
        )
        .await,
        201,
    )
    .await;
    expect_status(app.book(first, "ann@example.com").await, 201).await;
    expect_status(app.book(second, "ann@example.com").await, 201).await;
    expect_status(app.book(first, "bob@example.com").await, 201).await;

    let mine = app
        .request(reqwest::Method::GET, "/bookings")
        .header("X-Attendee-Token", ann["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let mine = expect_status(mine, 200).await;
    assert_eq!(mine["total"], 2);
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["attendee"]["email"] == "ann@example.com")
    );

    let admin = app.admin_token().await;
    let all = expect_status(
        app.session(&admin)
            .get(&format!("/bookings?event_id={first}&page_size=1"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            all["total"].as_i64(),
            all["items"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );

    let bad = app
        .request(reqwest::Method::GET, "/bookings")
        .header("X-Attendee-Token", "forged")
        .send()
        .await
        .unwrap();
    expect_problem(bad, 401, "authentication_required").await;
}

async fn bookings_render_in_the_event_zone_unless_asked(app: TestApp) {
    let event = app.create_event(5).await;
    let booking = expect_status(app.book(event, "ann@example.com").await, 201).await;
    assert!(booking["created_at"].as_str().unwrap().ends_with("+05:30"));
    let in_utc = app
        .post(
            &format!("/events/{event}/book?tz=UTC"),
            &json!({"name": "B", "email": "b@example.com"}),
        )
        .await;
    assert!(
        expect_status(in_utc, 201).await["created_at"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
}

async fn a_non_ascii_address_is_one_attendee_across_bookings(app: TestApp) {
    let event = app.create_event(5).await;
    let other = app.create_event(5).await;
    let first = expect_status(app.book(event, "Äsa@exämple.com").await, 201).await;
    expect_problem(
        app.book(event, "Äsa@exämple.com").await,
        400,
        "already_booked",
    )
    .await;
    let second = expect_status(app.book(other, "Äsa@exämple.com").await, 201).await;
    assert_eq!(first["attendee"]["id"], second["attendee"]["id"]);
}
