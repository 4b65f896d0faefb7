//! Creating events: field rules, alternative names, times and zones.

use super::*;

on_both_databases!(
    creating_an_event_answers_201_with_location_and_computed_seats,
    every_invalid_field_is_reported_at_once,
    alternative_field_names_are_accepted,
    events_cannot_start_in_the_past_or_end_before_they_start,
    local_times_are_read_in_the_event_zone_and_rendered_with_offsets,
    changing_the_zone_keeps_the_instants_and_reshows_the_times,
    an_unknown_render_zone_is_a_400,
);

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
