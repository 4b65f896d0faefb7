//! Who sees and makes bookings, zones, and one attendee per address.

use super::*;

on_both_databases!(
    a_non_ascii_address_is_one_attendee_across_bookings,
    a_booking_is_visible_only_to_its_holder,
    registered_attendees_book_with_their_token,
    an_attendee_lists_only_their_own_bookings,
    bookings_render_in_the_event_zone_unless_asked,
);

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
