//! Waitlists over HTTP, on SQLite and PostgreSQL: first come, first served; a cancellation
//! books the first in line in its own transaction; a larger capacity books those waiting;
//! and under concurrency no seat is ever free while someone waits.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use futures::future::join_all;
use serde_json::{Value, json};

on_both_databases!(
    a_cancellation_books_the_first_in_line_and_the_others_move_up,
    joining_is_refused_with_a_reason,
    leaving_the_line_is_for_its_holder_and_changes_nothing_twice,
    a_larger_capacity_books_the_people_waiting,
    cancellations_racing_new_bookings_give_every_freed_seat_to_the_line,
    people_joining_while_a_seat_is_freed_never_leave_it_free,
);

async fn join(app: &TestApp, event: i64, email: &str) -> reqwest::Response {
    let name = email.split('@').next().unwrap();
    app.post(
        &format!("/events/{event}/waitlist"),
        &json!({"name": name, "email": email}),
    )
    .await
}

async fn joined(app: &TestApp, event: i64, email: &str) -> Value {
    expect_status(join(app, event, email).await, 201).await
}

async fn place(app: &TestApp, place: &Value) -> Value {
    let response = app
        .request(reqwest::Method::GET, &format!("/waitlist/{}", place["id"]))
        .header("X-Waitlist-Token", place["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await
}

async fn cancel(app: &TestApp, booking: &Value) -> reqwest::Response {
    app.request(
        reqwest::Method::DELETE,
        &format!("/bookings/{}", booking["id"]),
    )
    .header("X-Cancel-Token", booking["cancel_token"].as_str().unwrap())
    .send()
    .await
    .unwrap()
}

/// `boxoffice check`'s rules, waitlist ones included, hold.
async fn assert_invariants(app: &TestApp) {
    let violations = app.store.check_invariants(None).await.unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

async fn a_cancellation_books_the_first_in_line_and_the_others_move_up(app: TestApp) {
    let event = app.create_event(1).await;
    let seat = expect_status(app.book(event, "first@example.test").await, 201).await;
    let asha = joined(&app, event, "asha@example.test").await;
    let ben = joined(&app, event, "ben@example.test").await;
    assert_eq!(asha["position"], 1);
    assert_eq!(asha["status"], "waiting");
    assert_eq!(ben["position"], 2);
    assert!(asha["booking_id"].is_null());

    expect_status(cancel(&app, &seat).await, 200).await;

    // The seat never came free: it went to Asha, in the cancellation's transaction.
    assert_eq!(app.seats(event).await, (1, 0));
    let promoted = place(&app, &asha).await;
    assert_eq!(promoted["status"], "promoted");
    assert!(promoted["position"].is_null());
    let booking = promoted["booking_id"].as_i64().unwrap();
    let held = app.organizer().get(&format!("/bookings/{booking}")).await;
    let held = expect_status(held, 200).await;
    assert_eq!(held["status"], "confirmed");
    assert_eq!(held["attendee"]["email"], "asha@example.test");
    assert_eq!(place(&app, &ben).await["position"], 1);

    // The organizer sees the line, and the promotion in the notification history.
    let line = app
        .organizer()
        .get(&format!("/events/{event}/waitlist"))
        .await;
    let line = expect_status(line, 200).await;
    assert_eq!(line["total"], 1);
    assert_eq!(line["items"][0]["attendee"]["email"], "ben@example.test");
    let mut kinds = Vec::new();
    for _ in 0..100 {
        let history = expect_status(app.organizer().get("/notifications").await, 200).await;
        kinds = history["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["notification_type"].as_str().unwrap().to_owned())
            .collect();
        if kinds.iter().any(|k| k == "booking.promoted") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(kinds.iter().any(|k| k == "booking.promoted"), "{kinds:?}");
    assert_invariants(&app).await;
}

async fn joining_is_refused_with_a_reason(app: TestApp) {
    let event = app.create_event(1).await;
    // A free seat: book it instead.
    expect_problem(
        join(&app, event, "early@example.test").await,
        409,
        "seats_available",
    )
    .await;
    expect_status(app.book(event, "holder@example.test").await, 201).await;
    expect_problem(
        join(&app, event, "holder@example.test").await,
        400,
        "already_booked",
    )
    .await;
    joined(&app, event, "asha@example.test").await;
    let again = join(&app, event, "ASHA@example.test").await;
    expect_problem(again, 409, "already_waitlisted").await;
    expect_problem(
        join(&app, 999_999, "x@example.test").await,
        404,
        "event_not_found",
    )
    .await;
    let no_email = app
        .post(
            &format!("/events/{event}/waitlist"),
            &json!({"name": "Nobody"}),
        )
        .await;
    assert_eq!(no_email.status(), 422);
    let bad_email = app
        .post(
            &format!("/events/{event}/waitlist"),
            &json!({"name": "Bad", "email": "not-an-address"}),
        )
        .await;
    expect_problem(bad_email, 422, "validation_failed").await;
    // Unlimited seats never fill up.
    let mut body = boxoffice_testkit::event_body("Open air", 1);
    body.as_object_mut().unwrap().remove("capacity");
    let open = expect_status(app.organizer().post("/events", &body).await, 201).await;
    let open = open["id"].as_i64().unwrap();
    expect_problem(
        join(&app, open, "any@example.test").await,
        409,
        "seats_available",
    )
    .await;
    // A cancelled event takes nobody.
    let patch = json!({"status": "canceled"});
    expect_status(
        app.organizer()
            .patch(&format!("/events/{event}"), &patch)
            .await,
        200,
    )
    .await;
    let closed = join(&app, event, "late@example.test").await;
    expect_problem(closed, 400, "event_not_bookable").await;
    assert_invariants(&app).await;
}

async fn leaving_the_line_is_for_its_holder_and_changes_nothing_twice(app: TestApp) {
    let event = app.create_event(1).await;
    expect_status(app.book(event, "holder@example.test").await, 201).await;
    let asha = joined(&app, event, "asha@example.test").await;
    let ben = joined(&app, event, "ben@example.test").await;
    let chen = joined(&app, event, "chen@example.test").await;
    let path = format!("/waitlist/{}", ben["id"]);

    let anonymous = app
        .request(reqwest::Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, 401, "authentication_required").await;
    let stranger = app
        .request(reqwest::Method::DELETE, &path)
        .header("X-Waitlist-Token", asha["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_problem(stranger, 404, "waitlist_entry_not_found").await;

    for _ in 0..2 {
        let left = app
            .request(reqwest::Method::DELETE, &path)
            .header("X-Waitlist-Token", ben["token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        let left = expect_status(left, 200).await;
        assert_eq!(left["status"], "left");
        assert!(left["position"].is_null());
    }
    assert_eq!(place(&app, &chen).await["position"], 2);
    let line = app
        .organizer()
        .get(&format!("/events/{event}/waitlist"))
        .await;
    assert_eq!(expect_status(line, 200).await["total"], 2);
    // Who left may queue again, at the end.
    assert_eq!(joined(&app, event, "ben@example.test").await["position"], 3);
    assert_invariants(&app).await;
}

async fn a_larger_capacity_books_the_people_waiting(app: TestApp) {
    let event = app.create_event(1).await;
    expect_status(app.book(event, "holder@example.test").await, 201).await;
    let asha = joined(&app, event, "asha@example.test").await;
    let ben = joined(&app, event, "ben@example.test").await;
    let chen = joined(&app, event, "chen@example.test").await;

    let patch = json!({"capacity": 3});
    let updated = app
        .organizer()
        .patch(&format!("/events/{event}"), &patch)
        .await;
    let updated = expect_status(updated, 200).await;
    assert_eq!(updated["seats_booked"], 3);
    assert_eq!(updated["seats_available"], 0);
    assert_eq!(place(&app, &asha).await["status"], "promoted");
    assert_eq!(place(&app, &ben).await["status"], "promoted");
    assert_eq!(place(&app, &chen).await["position"], 1);
    assert_invariants(&app).await;
}

/// Five bookings are cancelled while five people wait and thirty newcomers try to book:
/// every freed seat goes to the line, in order, and no newcomer gets one.
async fn cancellations_racing_new_bookings_give_every_freed_seat_to_the_line(app: TestApp) {
    let event = app.create_event(5).await;
    let mut seats = Vec::new();
    for n in 0..5 {
        let email = format!("holder{n}@example.test");
        seats.push(expect_status(app.book(event, &email).await, 201).await);
    }
    let mut line = Vec::new();
    for n in 0..5 {
        line.push(joined(&app, event, &format!("waiting{n}@example.test")).await);
    }
    let app = &app;
    let cancels = seats
        .iter()
        .map(|seat| async move { cancel(app, seat).await.status().as_u16() });
    let newcomers = (0..30).map(|n| async move {
        let response = app.book(event, &format!("new{n}@example.test")).await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        (status, body["code"].as_str().map(str::to_owned))
    });
    let (cancelled, booked) = futures::join!(join_all(cancels), join_all(newcomers));
    assert!(
        cancelled.iter().all(|status| *status == 200),
        "{cancelled:?}"
    );
    for (status, code) in &booked {
        assert_eq!((*status, code.as_deref()), (400, Some("event_full")));
    }
    assert_eq!(app.seats(event).await, (5, 0));
    for waiting in &line {
        assert_eq!(place(app, waiting).await["status"], "promoted");
    }
    assert_invariants(app).await;
}

/// The only seat is given back while ten people try to join the line: each either joined
/// before the seat came back (and the first of them got it) or was told to book instead.
async fn people_joining_while_a_seat_is_freed_never_leave_it_free(app: TestApp) {
    let app = &app;
    for round in 0..5 {
        let event = app.create_event(1).await;
        let email = format!("holder{round}@example.test");
        let seat = expect_status(app.book(event, &email).await, 201).await;
        let joins = (0..10).map(|n| async move {
            let response = join(app, event, &format!("r{round}p{n}@example.test")).await;
            response.status().as_u16()
        });
        let (cancelled, statuses) = futures::join!(cancel(app, &seat), join_all(joins));
        assert_eq!(cancelled.status(), 200);
        assert!(
            statuses.iter().all(|s| *s == 201 || *s == 409),
            "{statuses:?}"
        );
        let (booked, _) = app.seats(event).await;
        let promoted = statuses.contains(&201);
        // Someone in line when the seat came back got it; otherwise it is free, and nobody waits.
        assert_eq!(booked, i64::from(promoted), "round {round}: {statuses:?}");
        assert_invariants(app).await;
    }
}
