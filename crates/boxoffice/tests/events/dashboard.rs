//! `GET /events/{id}/dashboard`: seats, bookings by status and activity over time.

use super::*;

on_both_databases!(
    the_dashboard_counts_bookings_and_cancellations_per_local_hour,
    activity_over_days_is_charted_per_local_day_of_the_events_zone,
    only_the_owner_or_an_admin_sees_the_dashboard,
);

/// Books `count` seats and returns the bookings (with their cancel tokens).
async fn book_seats(app: &TestApp, event: i64, count: usize) -> Vec<Value> {
    let mut bookings = Vec::new();
    for n in 0..count {
        let email = format!("person{n}@example.com");
        bookings.push(expect_status(app.book(event, &email).await, 201).await);
    }
    bookings
}

async fn cancel(app: &TestApp, booking: &Value) {
    let response = app
        .request(
            reqwest::Method::DELETE,
            &format!("/bookings/{}", booking["id"]),
        )
        .header("X-Cancel-Token", booking["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await;
}

async fn dashboard(app: &TestApp, event: i64) -> Value {
    expect_status(
        app.organizer()
            .get(&format!("/events/{event}/dashboard"))
            .await,
        200,
    )
    .await
}

fn column(series: &Value, name: &str) -> Vec<i64> {
    let buckets = series.as_array().unwrap();
    buckets.iter().map(|b| b[name].as_i64().unwrap()).collect()
}

async fn the_dashboard_counts_bookings_and_cancellations_per_local_hour(app: TestApp) {
    let event = app.create_event(10).await;
    let empty = dashboard(&app, event).await;
    assert_eq!(empty["series"], json!([]));
    assert_eq!(
        empty["totals"],
        json!({"confirmed": 0, "cancelled": 0, "checked_in": 0})
    );

    let bookings = book_seats(&app, event, 3).await;
    cancel(&app, &bookings[0]).await;
    // One ticket is scanned at the door.
    let scan = json!({"ticket": bookings[1]["ticket"]});
    let path = format!("/events/{event}/check-ins");
    expect_status(app.organizer().post(&path, &scan).await, 201).await;
    let board = dashboard(&app, event).await;
    assert_eq!(
        (
            &board["capacity"],
            &board["seats_booked"],
            &board["seats_available"]
        ),
        (&json!(10), &json!(2), &json!(8))
    );
    assert_eq!(
        board["totals"],
        json!({"confirmed": 2, "cancelled": 1, "checked_in": 1})
    );
    assert_eq!(column(&board["series"], "check_ins").iter().sum::<i64>(), 1);
    assert_eq!(board["granularity"], "hour");
    assert_eq!(board["timezone"], "Asia/Kolkata");
    // All within seconds: one bucket, or two if the test straddles an hour.
    assert_eq!(column(&board["series"], "bookings").iter().sum::<i64>(), 3);
    assert_eq!(
        column(&board["series"], "cancellations")
            .iter()
            .sum::<i64>(),
        1
    );
    let start = board["series"][0]["start"].as_str().unwrap();
    assert!(start.ends_with(":00:00+05:30"), "a local hour: {start}");
}

async fn activity_over_days_is_charted_per_local_day_of_the_events_zone(app: TestApp) {
    let event = app.create_event(10).await;
    let bookings = book_seats(&app, event, 3).await;
    cancel(&app, &bookings[2]).await;
    // Kolkata is UTC+05:30: 20:00Z is 01:30 the next local day, 18:40Z is 00:10.
    let times = [
        (&bookings[0], "2030-01-10T20:00:00+00:00", None),
        (&bookings[1], "2030-01-12T10:00:00+00:00", None),
        (
            &bookings[2],
            "2030-01-12T18:40:00+00:00",
            Some("2030-01-13T01:00:00+00:00"),
        ),
    ];
    for (booking, created, cancelled) in times {
        let cancelled = cancelled.map_or("NULL".to_owned(), |at| format!("'{at}'"));
        app.store
            .execute_script(&format!(
                "UPDATE bookings SET created_at = '{created}', cancelled_at = {cancelled} WHERE id = {}",
                booking["id"]
            ))
            .await
            .unwrap();
    }
    let board = dashboard(&app, event).await;
    assert_eq!(board["granularity"], "day");
    let starts: Vec<&str> = board["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2030-01-11T00:00:00+05:30",
            "2030-01-12T00:00:00+05:30",
            "2030-01-13T00:00:00+05:30"
        ]
    );
    assert_eq!(column(&board["series"], "bookings"), [1, 1, 1]);
    assert_eq!(column(&board["series"], "cancellations"), [0, 0, 1]);
}

async fn only_the_owner_or_an_admin_sees_the_dashboard(app: TestApp) {
    let event = app.create_event(10).await;
    let path = format!("/events/{event}/dashboard");
    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    let stranger = app.sign_up("stranger").await;
    expect_problem(app.session(&stranger).get(&path).await, 403, "forbidden").await;
    let admin = app.admin_token().await;
    expect_status(app.session(&admin).get(&path).await, 200).await;
    expect_problem(
        app.organizer().get("/events/999999/dashboard").await,
        404,
        "event_not_found",
    )
    .await;
    expect_problem(
        app.organizer().get("/events/abc/dashboard").await,
        400,
        "invalid_path_parameter",
    )
    .await;
}
