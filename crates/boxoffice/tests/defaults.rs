//! Event input defaults over HTTP: what an organizer may leave out, and what it then means.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{TestApp, expect_problem, expect_status, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    title_and_start_alone_make_an_event_in_the_default_zone_country,
    the_country_comes_from_the_zone_and_the_location_from_the_country,
    a_zone_of_no_single_country_needs_a_country,
    what_is_given_is_still_validated_strictly,
    an_event_without_an_end_shows_a_null_end_and_takes_bookings,
    an_end_can_be_removed_and_given_again,
    an_unlimited_event_takes_bookings_and_shows_null_availability,
    a_limit_can_be_set_on_an_unlimited_event_but_not_below_its_bookings,
    sorting_by_seats_available_puts_unlimited_events_last_and_first,
);

fn days_ahead(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

async fn create(app: &TestApp, body: Value) -> Value {
    expect_status(app.organizer().post("/events", &body).await, 201).await
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn title_and_start_alone_make_an_event_in_the_default_zone_country(app: TestApp) {
    let start = days_ahead(5);
    let event = create(&app, json!({"title": "Walk-up gig", "start_time": start})).await;
    // Without an end, the event is over at the next local midnight.
    let day = chrono::NaiveDate::parse_from_str(&start[..10], "%Y-%m-%d").unwrap();
    let midnight = format!("{}T00:00:00+05:30", day.succ_opt().unwrap());
    assert_eq!(event["ends_at"], midnight.as_str());
    assert_eq!(event["timezone"], "Asia/Kolkata");
    assert_eq!(event["country"], "IN");
    assert_eq!(event["location"], "India");
    assert_eq!(event["end_time"], Value::Null);
    assert_eq!(event["capacity"], Value::Null);
    assert_eq!(event["seats_booked"], 0);
    assert_eq!(event["seats_available"], Value::Null);
    let read = expect_status(app.get(&format!("/events/{}", event["id"])).await, 200).await;
    assert_eq!(read, event);
}

async fn the_country_comes_from_the_zone_and_the_location_from_the_country(app: TestApp) {
    let paris = create(
        &app,
        json!({"name": "Salon", "timezone": "Europe/Paris", "date": days_ahead(5)}),
    )
    .await;
    assert_eq!(
        (paris["country"].as_str(), paris["location"].as_str()),
        (Some("FR"), Some("France"))
    );
    let named = create(
        &app,
        json!({"title": "Symfony", "country": "France", "startDate": days_ahead(6)}),
    )
    .await;
    assert_eq!(
        (named["country"].as_str(), named["location"].as_str()),
        (Some("FR"), Some("France"))
    );
    // An old name of a zone is followed to its current one.
    let calcutta = create(
        &app,
        json!({"title": "Old name", "timezone": "Asia/Calcutta", "start_time": days_ahead(7)}),
    )
    .await;
    assert_eq!(calcutta["country"], "IN");
    // A location is free text, never read as a country.
    let venue = create(&app, json!({"title": "Venue", "location": "Georgia", "timezone": "America/New_York", "start_time": days_ahead(8)})).await;
    assert_eq!(
        (venue["country"].as_str(), venue["location"].as_str()),
        (Some("US"), Some("Georgia"))
    );
}

async fn a_zone_of_no_single_country_needs_a_country(app: TestApp) {
    for zone in ["UTC", "Etc/GMT-3"] {
        let body = json!({"title": "Online", "location": "Online", "timezone": zone, "start_time": days_ahead(5)});
        let problem = expect_problem(
            app.organizer().post("/events", &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["country"], "{problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(zone), "{message}");
    }
    let with_country =
        json!({"title": "Online", "timezone": "UTC", "country": "DE", "start_time": days_ahead(5)});
    let event = create(&app, with_country).await;
    assert_eq!(
        (event["country"].as_str(), event["location"].as_str()),
        (Some("DE"), Some("Germany"))
    );
}

async fn what_is_given_is_still_validated_strictly(app: TestApp) {
    let body = json!({"title": " ", "location": "  ", "country": "Atlantis", "start_time": days_ahead(-1), "capacity": 0});
    let problem = expect_problem(
        app.organizer().post("/events", &body).await,
        422,
        "validation_failed",
    )
    .await;
    let mut got = fields(&problem);
    got.sort_unstable();
    assert_eq!(
        got,
        ["capacity", "country", "location", "title"],
        "{problem}"
    );
    let past = json!({"title": "Late", "start_time": "2020-01-01T10:00:00"});
    let problem = expect_problem(
        app.organizer().post("/events", &past).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["start_time"]);
    let backwards =
        json!({"title": "Backwards", "start_time": days_ahead(5), "end_time": days_ahead(4)});
    let problem = expect_problem(
        app.organizer().post("/events", &backwards).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["end_time"]);
    let unnamed = json!({"title": "x".repeat(101), "start_time": days_ahead(5)});
    let problem = expect_problem(
        app.organizer().post("/events", &unnamed).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["title"]);
}

async fn an_event_without_an_end_shows_a_null_end_and_takes_bookings(app: TestApp) {
    let event = create(
        &app,
        json!({"title": "Date only", "start_time": days_ahead(3), "capacity": 2}),
    )
    .await;
    let id = event["id"].as_i64().unwrap();
    expect_status(app.book(id, "early@example.com").await, 201).await;
    assert_eq!(app.seats(id).await, (1, 1));
    let upcoming = expect_status(app.get("/events?when=upcoming&q=date%20only").await, 200).await;
    assert_eq!(upcoming["total"], 1);
    let past = expect_status(app.get("/events?when=past&q=date%20only").await, 200).await;
    assert_eq!(past["total"], 0);
}

async fn an_end_can_be_removed_and_given_again(app: TestApp) {
    let start = days_ahead(4);
    let event = create(
        &app,
        json!({"title": "Ends", "start_time": start, "end_time": days_ahead(5), "capacity": 5}),
    )
    .await;
    let path = format!("/events/{}", event["id"]);
    let open = expect_status(
        app.organizer()
            .patch(&path, &json!({"end_time": null}))
            .await,
        200,
    )
    .await;
    assert_eq!(open["end_time"], Value::Null);
    let closed = expect_status(
        app.organizer()
            .patch(&path, &json!({"endDate": days_ahead(6)}))
            .await,
        200,
    )
    .await;
    assert!(closed["end_time"].is_string(), "{closed}");
    expect_problem(
        app.organizer()
            .patch(&path, &json!({"end_time": start}))
            .await,
        422,
        "validation_failed",
    )
    .await;
}

async fn an_unlimited_event_takes_bookings_and_shows_null_availability(app: TestApp) {
    let event = create(
        &app,
        json!({"title": "Open doors", "start_time": days_ahead(3)}),
    )
    .await;
    let id = event["id"].as_i64().unwrap();
    for n in 0..5 {
        expect_status(app.book(id, &format!("guest{n}@example.com")).await, 201).await;
    }
    expect_problem(
        app.book(id, "guest0@example.com").await,
        400,
        "already_booked",
    )
    .await;
    let read = expect_status(app.get(&format!("/events/{id}")).await, 200).await;
    assert_eq!(
        (
            read["capacity"].clone(),
            read["seats_booked"].clone(),
            read["seats_available"].clone()
        ),
        (Value::Null, json!(5), Value::Null)
    );
}

async fn a_limit_can_be_set_on_an_unlimited_event_but_not_below_its_bookings(app: TestApp) {
    let event = create(&app, json!({"title": "Grows", "start_time": days_ahead(3)})).await;
    let id = event["id"].as_i64().unwrap();
    let path = format!("/events/{id}");
    for n in 0..3 {
        expect_status(app.book(id, &format!("g{n}@example.com")).await, 201).await;
    }
    let problem = expect_problem(
        app.organizer().patch(&path, &json!({"capacity": 2})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["capacity"]);
    let limited = expect_status(
        app.organizer()
            .patch(&path, &json!({"max_capacity": 3}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            limited["capacity"].as_i64(),
            limited["seats_available"].as_i64()
        ),
        (Some(3), Some(0))
    );
    expect_problem(app.book(id, "late@example.com").await, 400, "event_full").await;
    let lifted = expect_status(
        app.organizer()
            .patch(&path, &json!({"capacity": null}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            lifted["capacity"].clone(),
            lifted["seats_available"].clone()
        ),
        (Value::Null, Value::Null)
    );
    expect_status(app.book(id, "late@example.com").await, 201).await;
}

async fn sorting_by_seats_available_puts_unlimited_events_last_and_first(app: TestApp) {
    create(
        &app,
        json!({"title": "Sort unlimited", "start_time": days_ahead(3)}),
    )
    .await;
    create(
        &app,
        json!({"title": "Sort ten", "start_time": days_ahead(3), "capacity": 10}),
    )
    .await;
    create(
        &app,
        json!({"title": "Sort two", "start_time": days_ahead(3), "capacity": 2}),
    )
    .await;
    let titles = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let ascending = expect_status(app.get("/events?q=sort&sort=seats_available").await, 200).await;
    assert_eq!(
        titles(&ascending),
        ["Sort two", "Sort ten", "Sort unlimited"]
    );
    let descending =
        expect_status(app.get("/events?q=sort&sort=-seats_available").await, 200).await;
    assert_eq!(
        titles(&descending),
        ["Sort unlimited", "Sort ten", "Sort two"]
    );
}
