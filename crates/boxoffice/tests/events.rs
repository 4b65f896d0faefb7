//! Events over HTTP: creation rules, listing filters, updates, deletion, time zones.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, event_body, expect_problem, expect_status, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    creating_an_event_answers_201_with_location_and_computed_seats,
    every_invalid_field_is_reported_at_once,
    alternative_field_names_are_accepted,
    events_cannot_start_in_the_past_or_end_before_they_start,
    local_times_are_read_in_the_event_zone_and_rendered_with_offsets,
    changing_the_zone_keeps_the_instants_and_reshows_the_times,
    an_unknown_render_zone_is_a_400,
    listing_filters_by_when_country_tag_status_text_and_dates,
    listing_sorts_and_paginates_without_overlap,
    bad_listing_parameters_are_4xx,
    patch_and_put_change_only_what_is_sent,
    capacity_cannot_drop_below_seats_booked,
    deleting_an_event_removes_its_bookings,
    the_attendee_list_holds_confirmed_bookings_only,
);

async fn create(app: &TestApp, body: Value) -> Value {
    expect_status(app.organizer().post("/events", &body).await, 201).await
}

async fn creating_an_event_answers_201_with_location_and_computed_seats(app: TestApp) {
    let mut body = event_body("Rust Meetup", 40);
    body["tags"] = json!(["Rust", "meetup", "rust"]);
    body["coordinates"] = json!({"type": "Point", "coordinates": [73.8567, 18.5204]});
    body["attachment_url"] = json!("https://example.com/agenda.pdf");
    let response = app.organizer().post("/events", &body).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let event = expect_status(response, 201).await;
    assert_eq!(location, format!("/events/{}", event["id"]));
    assert_eq!(event["title"], "Rust Meetup");
    assert_eq!(event["country"], "IN");
    assert_eq!(event["timezone"], "Asia/Kolkata");
    assert_eq!(
        (
            event["capacity"].as_i64(),
            event["seats_booked"].as_i64(),
            event["seats_available"].as_i64()
        ),
        (Some(40), Some(0), Some(40))
    );
    assert_eq!(event["tags"], json!(["meetup", "rust"]));
    assert_eq!(event["status"], "scheduled");
    assert_eq!(
        event["coordinates"]["coordinates"],
        json!([73.8567, 18.5204])
    );
    assert_eq!(event, expect_status(app.get(&location).await, 200).await);
    expect_problem(app.get("/events/987654").await, 404, "event_not_found").await;
}

async fn every_invalid_field_is_reported_at_once(app: TestApp) {
    let body = json!({
        "title": "   ", "location": "", "country": "XX", "timezone": "Mars/Base", "start_time": "soon",
        "end_time": "2027-01-01T10:00:00", "capacity": 0, "tags": ["ok", ""], "status": "postponed",
        "coordinates": {"type": "Point", "coordinates": [200.0, 10.0]}, "attachment_url": "ftp://x"
    });
    let problem = expect_problem(
        app.organizer().post("/events", &body).await,
        422,
        "validation_failed",
    )
    .await;
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "attachment_url",
            "capacity",
            "coordinates",
            "country",
            "location",
            "start_time",
            "status",
            "tags",
            "timezone",
            "title"
        ]
    );
    let missing = expect_problem(
        app.organizer().post("/events", &json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    let mut missing: Vec<&str> = missing["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    missing.sort_unstable();
    assert_eq!(missing, ["start_time", "title"], "only these are required");
    let too_big = expect_problem(
        app.organizer()
            .post("/events", &json!({"capacity": 1e30}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(too_big["errors"][0]["field"], "capacity");
    let long_title = json!({"title": "x".repeat(101)});
    let mut body = event_body("", 5);
    body["title"] = long_title["title"].clone();
    expect_problem(
        app.organizer().post("/events", &body).await,
        422,
        "validation_failed",
    )
    .await;
}

async fn alternative_field_names_are_accepted(app: TestApp) {
    let start = (chrono::Utc::now() + chrono::Duration::days(9))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let end = (chrono::Utc::now() + chrono::Duration::days(10))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    for alias in ["max_capacity", "max_attendees", "total_seats"] {
        let event = create(&app, json!({"name": "Seed", "location": "Paris", "country": "France", "date": start, "end_time": end, alias: 7})).await;
        assert_eq!(
            (
                event["title"].as_str(),
                event["capacity"].as_i64(),
                event["country"].as_str()
            ),
            (Some("Seed"), Some(7), Some("FR"))
        );
    }
    let event = create(&app, json!({"title": "Symfony", "location": "Paris", "country": "fr", "startDate": start, "endDate": end, "capacity": 100})).await;
    assert_eq!(event["capacity"], 100);
}

async fn events_cannot_start_in_the_past_or_end_before_they_start(app: TestApp) {
    let mut past = event_body("Old", 5);
    past["start_time"] = json!((chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339());
    let problem = expect_problem(
        app.organizer().post("/events", &past).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "start_time");
    let mut backwards = event_body("Backwards", 5);
    backwards["end_time"] = backwards["start_time"].clone();
    let problem = expect_problem(
        app.organizer().post("/events", &backwards).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "end_time");
}

async fn local_times_are_read_in_the_event_zone_and_rendered_with_offsets(app: TestApp) {
    let india = create(&app, json!({"title": "IST", "location": "Pune", "country": "IN", "start_time": "2030-12-01T10:00:00", "end_time": "2030-12-01T12:00", "capacity": 5})).await;
    assert_eq!(india["start_time"], "2030-12-01T10:00:00+05:30");
    assert_eq!(india["end_time"], "2030-12-01T12:00:00+05:30");

    // Paris: +01:00 in winter, +02:00 in summer.
    let summer = create(&app, json!({"title": "Summer", "location": "Paris", "country": "FR", "timezone": "Europe/Paris", "start_time": "2030-07-01T10:00:00", "end_time": "2030-07-01T11:00:00", "capacity": 5})).await;
    assert_eq!(summer["start_time"], "2030-07-01T10:00:00+02:00");
    let id = india["id"].as_i64().unwrap();
    let shown = expect_status(app.get(&format!("/events/{id}?tz=Europe/Paris")).await, 200).await;
    assert_eq!(shown["start_time"], "2030-12-01T05:30:00+01:00");
    let header = app
        .request(reqwest::Method::GET, &format!("/events/{id}"))
        .header("X-Timezone", "America/New_York")
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_status(header, 200).await["start_time"],
        "2030-11-30T23:30:00-05:00"
    );

    // 02:30 on the spring-forward night does not exist in Paris.
    let gap = json!({"title": "Gap", "location": "Paris", "country": "FR", "timezone": "Europe/Paris", "start_time": "2030-03-31T02:30:00", "end_time": "2030-03-31T05:00:00", "capacity": 5});
    let problem = expect_problem(
        app.organizer().post("/events", &gap).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("daylight-saving")
    );
}

async fn changing_the_zone_keeps_the_instants_and_reshows_the_times(app: TestApp) {
    let event = create(&app, json!({"title": "Moves", "location": "Pune", "country": "IN", "start_time": "2030-12-01T10:00:00", "end_time": "2030-12-01T12:00:00", "capacity": 5})).await;
    let id = event["id"].as_i64().unwrap();
    let moved = expect_status(
        app.organizer()
            .patch(&format!("/events/{id}"), &json!({"timezone": "Asia/Tokyo"}))
            .await,
        200,
    )
    .await;
    assert_eq!(moved["timezone"], "Asia/Tokyo");
    assert_eq!(moved["start_time"], "2030-12-01T13:30:00+09:00");
}

async fn an_unknown_render_zone_is_a_400(app: TestApp) {
    let id = app.create_event(5).await;
    expect_problem(
        app.get(&format!("/events/{id}?tz=Nowhere/Land")).await,
        400,
        "invalid_timezone",
    )
    .await;
    expect_problem(app.get("/events?tz=UTC%2B5").await, 400, "invalid_timezone").await;
}

async fn listing_filters_by_when_country_tag_status_text_and_dates(app: TestApp) {
    let soon = |days: i64, hours: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(hours))
            .to_rfc3339()
    };
    let make = |title: &str, country: &str, tags: Value, days: i64| {
        json!({"title": title, "description": format!("About {title}"), "location": "Somewhere", "country": country,
               "start_time": soon(days, 0), "end_time": soon(days, 2), "capacity": 10, "tags": tags})
    };
    create(&app, make("Rust in Pune", "IN", json!(["rust"]), 5)).await;
    create(&app, make("Jazz in Paris", "FR", json!(["music"]), 10)).await;
    let canceled = create(&app, make("Cancelled Rust", "FR", json!(["rust"]), 15)).await;
    expect_status(
        app.organizer()
            .patch(
                &format!("/events/{}", canceled["id"]),
                &json!({"status": "canceled"}),
            )
            .await,
        200,
    )
    .await;

    let titles = |body: Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let app = &app;
    let list = |query: &str| {
        let path = format!("/events?{query}");
        async move { titles(expect_status(app.get(&path).await, 200).await) }
    };
    assert_eq!(
        list("").await,
        ["Rust in Pune", "Jazz in Paris", "Cancelled Rust"]
    );
    assert_eq!(
        list("country=fr").await,
        ["Jazz in Paris", "Cancelled Rust"]
    );
    assert_eq!(list("tag=RUST").await, ["Rust in Pune", "Cancelled Rust"]);
    assert_eq!(list("status=canceled").await, ["Cancelled Rust"]);
    assert_eq!(list("q=jAzZ").await, ["Jazz in Paris"]);
    assert_eq!(list("q=about%20rust").await, ["Rust in Pune"]);
    assert_eq!(
        list("q=100%25").await,
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );
    let from = urlencode(&soon(7, 0));
    let to = urlencode(&soon(12, 0));
    assert_eq!(
        list(&format!("from={from}&to={to}")).await,
        ["Jazz in Paris"]
    );
    assert_eq!(list("when=past").await, Vec::<String>::new());
    assert_eq!(list("when=all&country=IN").await, ["Rust in Pune"]);
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

async fn listing_sorts_and_paginates_without_overlap(app: TestApp) {
    for (n, capacity) in [(1, 30), (2, 10), (3, 20)] {
        let mut body = event_body(&format!("Event {n}"), capacity);
        body["start_time"] = json!((chrono::Utc::now() + chrono::Duration::days(n)).to_rfc3339());
        create(&app, body).await;
    }
    let app = &app;
    let page = |query: &str| {
        let path = format!("/events?{query}");
        async move { expect_status(app.get(&path).await, 200).await }
    };
    let first = page("page_size=2").await;
    assert_eq!(
        (
            first["total"].as_i64(),
            first["page"].as_i64(),
            first["page_size"].as_i64()
        ),
        (Some(3), Some(1), Some(2))
    );
    let second = page("page=2&page_size=2").await;
    let ids: Vec<&Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] != w[1]));
    let by_seats = page("sort=-seats_available").await;
    let capacities: Vec<i64> = by_seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["capacity"].as_i64().unwrap())
        .collect();
    assert_eq!(capacities, [30, 20, 10]);
    let by_title = page("sort=-title").await;
    assert_eq!(by_title["items"][0]["title"], "Event 3");
    assert_eq!(page("page=9").await["items"], json!([]));
}

async fn bad_listing_parameters_are_4xx(app: TestApp) {
    expect_problem(app.get("/events?page=0").await, 422, "validation_failed").await;
    expect_problem(
        app.get("/events?page_size=101").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(app.get("/events?page=abc").await, 400, "invalid_query").await;
    expect_problem(
        app.get("/events?page=99999999999999999999").await,
        400,
        "invalid_query",
    )
    .await;
    expect_problem(
        app.get("/events?sort=price").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/events?when=tomorrow").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/events?country=Atlantis").await,
        422,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/events?from=yesterday").await,
        422,
        "validation_failed",
    )
    .await;
}

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
