//! The `/api` dialect: every request its documentation shows, sent as shown (paths,
//! trailing slashes, bodies), answered with the shapes it documents.
//!
//! Two adjustments, both forced by the rules every API of Boxoffice applies:
//! - the documented dates (`2025-05-01`) are in the past, and an event may not start in the
//!   past: the tests keep the month, day and time and move the year to next year;
//! - creating, changing and deleting events needs a signed-in user, listing every attendee an
//!   admin, and booking by `{event_id, attendee_id}` the attendee's token, the event's
//!   organizer or an admin: the requests carry those credentials.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use chrono::Datelike;
use reqwest::{Method, Response};
use serde_json::{Value, json};

on_both_databases!(
    every_documented_request_answers_as_documented,
    a_full_event_and_a_second_booking_are_refused_with_the_documented_titles,
    booking_an_attendee_by_id_needs_their_token_their_organizer_or_an_admin,
    lists_are_bare_arrays_paged_with_the_total_in_a_header,
    validation_errors_name_the_fields_as_the_dialect_spells_them,
    a_booking_is_read_and_cancelled_under_api_too,
    the_main_api_keeps_its_own_shapes_for_the_same_event,
);

/// A documented date with next year instead of 2025.
fn shifted(date: &str) -> String {
    let next_year = chrono::Utc::now().year() + 1;
    date.replacen("2025", &next_year.to_string(), 1)
}

/// The documented create-event body, dates shifted.
fn conference() -> Value {
    json!({
      "title": "Symfony Conference",
      "description": "Learn about Symfony",
      "country": "France",
      "capacity": 100,
      "startDate": shifted("2025-05-01T10:00:00"),
      "endDate": shifted("2025-05-01T18:00:00")
    })
}

/// The documented event response for `title`, dates shifted.
fn conference_view(id: i64, title: &str) -> Value {
    json!({
      "id": id,
      "title": title,
      "description": "Learn about Symfony",
      "country": "France",
      "capacity": 100,
      "startDate": shifted("2025-05-01T10:00:00"),
      "endDate": shifted("2025-05-01T18:00:00")
    })
}

fn total_count(response: &Response) -> i64 {
    response.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn register(app: &TestApp, name: &str, email: &str) -> Value {
    let body = json!({"name": name, "email": email});
    expect_status(app.post("/api/attendees", &body).await, 201).await
}

async fn book_as(app: &TestApp, attendee: &Value, event: i64) -> Response {
    app.request(Method::POST, "/api/bookings")
        .header("X-Attendee-Token", attendee["token"].as_str().unwrap())
        .json(&json!({"event_id": event, "attendee_id": attendee["id"]}))
        .send()
        .await
        .unwrap()
}

async fn every_documented_request_answers_as_documented(app: TestApp) {
    let organizer = app.organizer();
    let created = organizer.post("/api/events", &conference()).await;
    assert_eq!(created.headers()["location"], "/api/events/1");
    assert_eq!(
        expect_status(created, 201).await,
        conference_view(1, "Symfony Conference")
    );

    let listed = app.get("/api/events").await;
    assert_eq!(total_count(&listed), 1);
    assert_eq!(
        expect_status(listed, 200).await,
        json!([conference_view(1, "Symfony Conference")])
    );
    assert_eq!(
        expect_status(app.get("/api/events/1").await, 200).await,
        conference_view(1, "Symfony Conference")
    );

    let john = register(&app, "John Doe", "john@example.com").await;
    assert_eq!(john["id"], 1);
    assert_eq!(john["name"], "John Doe");
    assert_eq!(john["email"], "john@example.com");
    let admin = app.admin_token().await;
    assert_eq!(
        expect_status(app.session(&admin).get("/api/attendees").await, 200).await,
        json!([{"id": 1, "name": "John Doe", "email": "john@example.com"}])
    );

    let booking = app
        .request(Method::POST, "/api/bookings")
        .header("X-Attendee-Token", john["token"].as_str().unwrap())
        .json(&json!({"event_id": 1, "attendee_id": 1}))
        .send()
        .await
        .unwrap();
    let documented_booking =
        json!({"id": 1, "attendee": "John Doe", "event": "Symfony Conference"});
    assert_eq!(expect_status(booking, 201).await, documented_booking);
    let bookings = app.session(&admin).get("/api/bookings/").await;
    assert_eq!(total_count(&bookings), 1);
    assert_eq!(
        expect_status(bookings, 200).await,
        json!([documented_booking])
    );

    assert_eq!(
        expect_status(
            organizer
                .put("/api/events/1", &json!({"title": "Symfony Conf 2025"}))
                .await,
            200
        )
        .await,
        conference_view(1, "Symfony Conf 2025")
    );
    assert_eq!(
        expect_status(organizer.delete("/api/events/1").await, 200).await,
        json!({"message": "Event deleted"})
    );
    expect_problem(app.get("/api/events/1").await, 404, "event_not_found").await;
    assert_eq!(
        expect_status(app.session(&admin).get("/api/bookings/").await, 200).await,
        json!([])
    );
}

async fn a_full_event_and_a_second_booking_are_refused_with_the_documented_titles(app: TestApp) {
    let mut small = conference();
    small["capacity"] = json!(1);
    let event = expect_status(app.organizer().post("/api/events", &small).await, 201).await;
    let event = event["id"].as_i64().unwrap();
    let john = register(&app, "John Doe", "john@example.com").await;
    let jane = register(&app, "Jane Roe", "jane@example.com").await;

    expect_status(book_as(&app, &john, event).await, 201).await;
    let again = expect_problem(book_as(&app, &john, event).await, 400, "already_booked").await;
    assert_eq!(again["title"], "Attendee already booked this event");
    let full = expect_problem(book_as(&app, &jane, event).await, 400, "event_full").await;
    assert_eq!(full["title"], "Event is fully booked");
    assert_eq!(app.seats(event).await, (1, 0));
}

async fn booking_an_attendee_by_id_needs_their_token_their_organizer_or_an_admin(app: TestApp) {
    let first = app.create_event(10).await;
    let second = app.create_event(10).await;
    let john = register(&app, "John Doe", "john@example.com").await;
    let jane = register(&app, "Jane Roe", "jane@example.com").await;
    let for_john = |event: i64| json!({"event_id": event, "attendee_id": john["id"]});

    // A bare id proves nothing: attendees have no account.
    expect_problem(
        app.post("/api/bookings", &for_john(first)).await,
        401,
        "authentication_required",
    )
    .await;
    let as_jane = app
        .request(Method::POST, "/api/bookings")
        .header("X-Attendee-Token", jane["token"].as_str().unwrap())
        .json(&for_john(first))
        .send()
        .await
        .unwrap();
    expect_problem(as_jane, 403, "forbidden").await;
    let stranger = app.sign_up("stranger").await;
    expect_problem(
        app.session(&stranger)
            .post("/api/bookings", &for_john(first))
            .await,
        403,
        "forbidden",
    )
    .await;

    expect_status(
        app.organizer()
            .post("/api/bookings", &for_john(first))
            .await,
        201,
    )
    .await;
    let admin = app.admin_token().await;
    expect_status(
        app.session(&admin)
            .post("/api/bookings", &for_john(second))
            .await,
        201,
    )
    .await;
    assert_eq!(app.seats(first).await, (1, 9));
    assert_eq!(app.seats(second).await, (1, 9));
}

async fn lists_are_bare_arrays_paged_with_the_total_in_a_header(app: TestApp) {
    for _ in 0..3 {
        expect_status(
            app.organizer().post("/api/events", &conference()).await,
            201,
        )
        .await;
    }
    let first = app.get("/api/events/?page_size=2").await;
    assert_eq!(total_count(&first), 3);
    let first = expect_status(first, 200).await;
    assert_eq!(first.as_array().unwrap().len(), 2);
    let second = app.get("/api/events?page=2&page_size=2").await;
    assert_eq!(total_count(&second), 3);
    let second = expect_status(second, 200).await;
    assert_eq!(second.as_array().unwrap().len(), 1);
    assert_ne!(first[0]["id"], second[0]["id"]);
    assert_ne!(first[1]["id"], second[0]["id"]);
    expect_problem(
        app.get("/api/events?page_size=101").await,
        422,
        "validation_failed",
    )
    .await;
}

async fn validation_errors_name_the_fields_as_the_dialect_spells_them(app: TestApp) {
    // The documented dates are in the past: refused, which is why the tests shift them.
    let mut as_printed = conference();
    as_printed["startDate"] = json!("2025-05-01T10:00:00");
    as_printed["endDate"] = json!("2025-05-01T18:00:00");
    let past = expect_problem(
        app.organizer().post("/api/events", &as_printed).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(past["errors"][0]["field"], "startDate");

    let mut backwards = conference();
    backwards["endDate"] = json!(shifted("2025-05-01T09:00:00"));
    let backwards = expect_problem(
        app.organizer().post("/api/events", &backwards).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(backwards["errors"][0]["field"], "endDate");
    assert!(
        backwards["detail"]
            .as_str()
            .unwrap()
            .starts_with("endDate:")
    );

    let mut nowhere = conference();
    nowhere["country"] = json!("Atlantis");
    let nowhere = expect_problem(
        app.organizer().post("/api/events", &nowhere).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(nowhere["errors"][0]["field"], "country");
    expect_problem(
        app.post("/api/events", &conference()).await,
        401,
        "authentication_required",
    )
    .await;
}

async fn a_booking_is_read_and_cancelled_under_api_too(app: TestApp) {
    let event = app.create_event(1).await;
    let john = register(&app, "John Doe", "john@example.com").await;
    let booked = expect_status(book_as(&app, &john, event).await, 201).await;
    let path = format!("/api/bookings/{}", booked["id"]);
    let with_token = |method: Method| {
        app.request(method, &path)
            .header("X-Attendee-Token", john["token"].as_str().unwrap())
    };
    assert_eq!(
        expect_status(with_token(Method::GET).send().await.unwrap(), 200).await,
        booked
    );
    for _ in 0..2 {
        let cancelled = with_token(Method::DELETE).send().await.unwrap();
        assert_eq!(
            expect_status(cancelled, 200).await,
            json!({"message": "Booking cancelled"})
        );
        assert_eq!(app.seats(event).await, (0, 1));
    }
    let own = app
        .request(Method::GET, "/api/bookings")
        .header("X-Attendee-Token", john["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(total_count(&own), 1);
    let read_back = expect_status(
        app.request(Method::GET, &format!("/api/attendees/{}", john["id"]))
            .header("X-Attendee-Token", john["token"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(
        read_back,
        json!({"id": john["id"], "name": "John Doe", "email": "john@example.com"})
    );
}

async fn the_main_api_keeps_its_own_shapes_for_the_same_event(app: TestApp) {
    let created = expect_status(
        app.organizer().post("/api/events", &conference()).await,
        201,
    )
    .await;
    let main = expect_status(app.get(&format!("/events/{}", created["id"])).await, 200).await;
    assert_eq!(main["country"], "FR");
    assert_eq!(main["timezone"], "Asia/Kolkata");
    assert_eq!(
        main["start_time"],
        format!("{}+05:30", shifted("2025-05-01T10:00:00"))
    );
    assert!(main["startDate"].is_null());
    let listed = expect_status(app.get("/events").await, 200).await;
    assert_eq!(listed["total"], 1);
}
