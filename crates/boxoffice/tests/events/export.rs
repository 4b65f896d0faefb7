//! `GET /events/{id}/attendees.csv`: the attendee list as CSV, streamed.

use super::*;

on_both_databases!(
    the_export_lists_confirmed_bookings_quoted_and_formula_safe,
    a_long_export_arrives_whole_and_in_order,
    only_the_owner_or_an_admin_exports_attendees,
);

async fn export(app: &TestApp, event: i64) -> String {
    let response = app
        .organizer()
        .get(&format!("/events/{event}/attendees.csv"))
        .await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"event-{event}-attendees.csv\"")
    );
    response.text().await.unwrap()
}

async fn book_as(app: &TestApp, event: i64, name: &str, email: &str) -> Value {
    let body = json!({"name": name, "email": email});
    expect_status(app.post(&format!("/events/{event}/book"), &body).await, 201).await
}

async fn the_export_lists_confirmed_bookings_quoted_and_formula_safe(app: TestApp) {
    let event = app.create_event(10).await;
    let plain = book_as(&app, event, "Asha Rao", "asha@example.com").await;
    let comma = book_as(&app, event, "Rao, \"Ash\"", "rao@example.com").await;
    let formula = book_as(&app, event, "=HYPERLINK(\"http://x\")", "f@example.com").await;
    let gone = book_as(&app, event, "Gone Soon", "gone@example.com").await;
    let response = app
        .request(
            reqwest::Method::DELETE,
            &format!("/bookings/{}", gone["id"]),
        )
        .header("X-Cancel-Token", gone["cancel_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    expect_status(response, 200).await;

    let csv = export(&app, event).await;
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(
        lines[0],
        "booking_id,booked_at,attendee_id,name,email,phone"
    );
    assert_eq!(lines.len(), 4, "the cancelled booking is left out: {csv}");
    let row = |booking: &Value, rest: &str| {
        let id = booking["id"].as_i64().unwrap();
        let attendee = booking["attendee"]["id"].as_i64().unwrap();
        (id, attendee, rest.to_owned())
    };
    for (line, (id, attendee, rest)) in lines[1..].iter().zip([
        row(&plain, "Asha Rao,asha@example.com,"),
        row(&comma, "\"Rao, \"\"Ash\"\"\",rao@example.com,"),
        row(&formula, "\"'=HYPERLINK(\"\"http://x\"\")\",f@example.com,"),
    ]) {
        let (booking, rest_of_line) = line.split_once(',').unwrap();
        let (booked_at, rest_of_line) = rest_of_line.split_once(',').unwrap();
        let (attendee_id, rest_of_line) = rest_of_line.split_once(',').unwrap();
        assert_eq!(booking, id.to_string());
        assert!(
            booked_at.ends_with("+05:30"),
            "in the event's zone: {booked_at}"
        );
        assert_eq!(attendee_id, attendee.to_string());
        assert_eq!(rest_of_line, rest);
    }
}

/// Books `count` seats of `event` straight in the database, in booking order.
pub(crate) async fn insert_bookings(app: &TestApp, event: i64, count: u32) {
    app.store
        .execute_script(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
             INSERT INTO attendees (name, email, locale, token_hash, created_at, updated_at) \
             SELECT 'Bulk ' || i, 'bulk' || i || '@example.com', 'en', 'bulk-token-' || i, \
             '2030-01-01T00:00:00+00:00', '2030-01-01T00:00:00+00:00' FROM n;
             INSERT INTO bookings (event_id, attendee_id, status, cancel_token_hash, created_at) \
             SELECT {event}, id, 'confirmed', 'bulk-cancel-' || id, '2030-01-02T00:00:00+00:00' \
             FROM attendees WHERE email LIKE 'bulk%' ORDER BY id;"
        ))
        .await
        .unwrap();
}

async fn a_long_export_arrives_whole_and_in_order(app: TestApp) {
    let event = app.create_event(10).await;
    insert_bookings(&app, event, 2000).await;
    let csv = export(&app, event).await;
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 2001);
    let names: Vec<&str> = lines[1..]
        .iter()
        .map(|line| line.split(',').nth(3).unwrap())
        .collect();
    let expected: Vec<String> = (1..=2000).map(|i| format!("Bulk {i}")).collect();
    assert_eq!(names, expected);
}

async fn only_the_owner_or_an_admin_exports_attendees(app: TestApp) {
    let event = app.create_event(10).await;
    let path = format!("/events/{event}/attendees.csv");
    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    let stranger = app.sign_up("stranger").await;
    expect_problem(app.session(&stranger).get(&path).await, 403, "forbidden").await;
    let admin = app.admin_token().await;
    let response = app.session(&admin).get(&path).await;
    assert_eq!(response.status(), 200);
    expect_problem(
        app.organizer().get("/events/999999/attendees.csv").await,
        404,
        "event_not_found",
    )
    .await;
}
