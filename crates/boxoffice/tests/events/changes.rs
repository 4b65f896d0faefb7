//! Changing and deleting events, and their attendee list.

use super::*;

on_both_databases!(
    patch_and_put_change_only_what_is_sent,
    capacity_cannot_drop_below_seats_booked,
    deleting_an_event_removes_its_bookings,
    the_attendee_list_holds_confirmed_bookings_only,
);

async fn patch_and_put_change_only_what_is_sent(app: TestApp) {
    let mut body = event_body("Original", 10);
    body["attachment_url"] = json!("https://example.com/a.pdf");
    let event = create(&app, body).await;
    let path = format!("/events/{}", event["id"]);
    let patched = expect_status(
        app.organizer()
            .patch(&path, &json!({"title": "Renamed", "attachment_url": null}))
            .await,
        200,
    )
    .await;
    assert_eq!(patched["title"], "Renamed");
    assert_eq!(patched["attachment_url"], Value::Null);
    assert_eq!(patched["description"], event["description"]);
    assert_eq!(patched["start_time"], event["start_time"]);
    let put = app
        .organizer()
        .request(reqwest::Method::PUT, &path)
        .json(&json!({"name": "Symfony Conf 2025"}))
        .send()
        .await
        .unwrap();
    let put = expect_status(put, 200).await;
    assert_eq!(put["title"], "Symfony Conf 2025");
    assert_eq!(put["capacity"], 10);
    let problem = expect_problem(
        app.organizer()
            .patch(&path, &json!({"end_time": event["start_time"]}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "end_time");
    expect_problem(
        app.organizer()
            .patch("/events/424242", &json!({"title": "x"}))
            .await,
        404,
        "event_not_found",
    )
    .await;
}

async fn capacity_cannot_drop_below_seats_booked(app: TestApp) {
    let event = app.create_event(5).await;
    for n in 0..3 {
        expect_status(app.book(event, &format!("p{n}@example.com")).await, 201).await;
    }
    let problem = expect_problem(
        app.organizer()
            .patch(&format!("/events/{event}"), &json!({"capacity": 2}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "capacity");
    let shrunk = expect_status(
        app.organizer()
            .patch(&format!("/events/{event}"), &json!({"capacity": 3}))
            .await,
        200,
    )
    .await;
    assert_eq!(shrunk["seats_available"], 0);
    expect_problem(app.book(event, "late@example.com").await, 400, "event_full").await;
}

async fn deleting_an_event_removes_its_bookings(app: TestApp) {
    let event = app.create_event(5).await;
    let booking = expect_status(app.book(event, "ann@example.com").await, 201).await;
    assert_eq!(
        expect_status(
            app.organizer().delete(&format!("/events/{event}")).await,
            204
        )
        .await,
        Value::Null
    );
    expect_problem(
        app.get(&format!("/events/{event}")).await,
        404,
        "event_not_found",
    )
    .await;
    expect_problem(
        app.organizer().delete(&format!("/events/{event}")).await,
        404,
        "event_not_found",
    )
    .await;
    let lookup = app
        .request(
            reqwest::Method::GET,
            &format!("/bookings/{}", booking["id"]),
        )
        .header("X-Cancel-Token", booking["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_problem(lookup, 404, "booking_not_found").await;
}

async fn the_attendee_list_holds_confirmed_bookings_only(app: TestApp) {
    let event = app.create_event(5).await;
    let ann = expect_status(app.book(event, "ann@example.com").await, 201).await;
    expect_status(app.book(event, "bob@example.com").await, 201).await;
    let cancel = app
        .request(reqwest::Method::DELETE, &format!("/bookings/{}", ann["id"]))
        .header("X-Cancel-Token", ann["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(cancel, 200).await;
    let list = expect_status(
        app.organizer()
            .get(&format!("/events/{event}/attendees/"))
            .await,
        200,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["email"], "bob@example.com");
    expect_problem(
        app.organizer().get("/events/777777/attendees").await,
        404,
        "event_not_found",
    )
    .await;
}
