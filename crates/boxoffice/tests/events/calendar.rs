//! `GET /events/{id}.ics`: the event as an iCalendar file.

use super::*;

on_both_databases!(
    an_event_downloads_as_an_icalendar_file_with_a_stable_uid,
    ids_with_other_suffixes_stay_4xx,
);

async fn an_event_downloads_as_an_icalendar_file_with_a_stable_uid(app: TestApp) {
    let mut body = event_body("Rust; Meetup, Paris", 10);
    body["timezone"] = json!("Europe/Paris");
    body["country"] = json!("FR");
    body["start_time"] = json!("2031-03-04T18:30:00");
    body["end_time"] = json!("2031-03-04T21:00:00");
    body["description"] = json!("Talks\nand pizza");
    let id = create(&app, body).await["id"].as_i64().unwrap();

    let response = app.get(&format!("/events/{id}.ics")).await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "text/calendar; charset=utf-8");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"event-{id}.ics\"")
    );
    let ics = response.text().await.unwrap();
    for line in [
        "BEGIN:VCALENDAR",
        "DTSTART;TZID=Europe/Paris:20310304T183000",
        "DTEND;TZID=Europe/Paris:20310304T210000",
        "SUMMARY:Rust\\; Meetup\\, Paris",
        "DESCRIPTION:Talks\\nand pizza",
        &format!("UID:event-{id}@boxoffice.invalid"),
        &format!("URL:http://{}/app/events/{id}", app.address),
        "STATUS:CONFIRMED",
    ] {
        assert!(
            ics.contains(&format!("\r\n{line}\r\n")) || ics.starts_with(line),
            "{line} in {ics}"
        );
    }
    let again = app
        .get(&format!("/events/{id}.ics/"))
        .await
        .text()
        .await
        .unwrap();
    let uid = |ics: &str| {
        ics.lines()
            .find(|l| l.starts_with("UID:"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(uid(&ics), uid(&again), "the UID is stable");

    expect_status(
        app.organizer()
            .patch(&format!("/events/{id}"), &json!({"status": "canceled"}))
            .await,
        200,
    )
    .await;
    let cancelled = app
        .get(&format!("/events/{id}.ics"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        cancelled.contains("\r\nSTATUS:CANCELLED\r\n"),
        "{cancelled}"
    );
}

async fn ids_with_other_suffixes_stay_4xx(app: TestApp) {
    let id = app.create_event(5).await;
    expect_status(app.get(&format!("/events/{id}")).await, 200).await;
    expect_problem(app.get("/events/abc").await, 400, "invalid_path_parameter").await;
    expect_problem(
        app.get(&format!("/events/{id}.json")).await,
        400,
        "invalid_path_parameter",
    )
    .await;
    expect_problem(app.get("/events/.ics").await, 400, "invalid_path_parameter").await;
    expect_problem(app.get("/events/999999.ics").await, 404, "event_not_found").await;
    expect_problem(
        app.organizer()
            .patch(&format!("/events/{id}.ics"), &json!({"title": "x"}))
            .await,
        400,
        "invalid_path_parameter",
    )
    .await;
}
