//! Door staff and check-ins: who may admit, and every refusal.

use super::*;

on_both_databases!(
    the_owner_admits_a_ticket_once_and_a_second_scan_says_when_and_by_whom,
    door_staff_named_by_the_owner_may_check_in_until_removed,
    only_the_owner_or_an_admin_manages_door_staff,
    a_cancelled_booking_is_refused_at_the_door,
    a_ticket_of_another_event_is_refused_and_not_admitted,
    forged_and_garbled_codes_are_refused,
    a_checked_in_booking_cannot_be_cancelled,
    check_ins_are_listed_with_how_many_are_expected,
);

async fn the_owner_admits_a_ticket_once_and_a_second_scan_says_when_and_by_whom(app: TestApp) {
    let event = app.create_event(5).await;
    let held = hold(&app, event, "asha@example.com").await;
    let admitted = expect_status(
        scan(&app, &app.organizer_token, event, &held.ticket).await,
        201,
    )
    .await;
    assert_eq!(admitted["booking_id"], held.id);
    assert_eq!(admitted["event_id"], event);
    assert_eq!(admitted["attendee_name"], "Test Person");
    assert_eq!(admitted["checked_in_by"], "organizer");

    let again = scan(&app, &app.organizer_token, event, &held.ticket).await;
    let problem = expect_problem(again, 409, "already_checked_in").await;
    assert_eq!(
        problem["check_in"]["checked_in_at"],
        admitted["checked_in_at"]
    );
    assert_eq!(problem["check_in"]["checked_in_by"], "organizer");
    assert!(problem["detail"].as_str().unwrap().contains("by organizer"));
}

async fn door_staff_named_by_the_owner_may_check_in_until_removed(app: TestApp) {
    let event = app.create_event(5).await;
    let first = hold(&app, event, "asha@example.com").await;
    let second = hold(&app, event, "bob@example.com").await;
    let door = app.sign_up("door_one").await;
    expect_problem(
        scan(&app, &door, event, &first.ticket).await,
        403,
        "forbidden",
    )
    .await;

    let staff_path = format!("/events/{event}/staff/DOOR_ONE");
    let named = expect_status(app.organizer().put(&staff_path, &json!({})).await, 200).await;
    assert_eq!(named["username"], "door_one");
    // Naming again changes nothing.
    let again = expect_status(app.organizer().put(&staff_path, &json!({})).await, 200).await;
    assert_eq!(again["added_at"], named["added_at"]);
    let staff = expect_status(
        app.organizer().get(&format!("/events/{event}/staff")).await,
        200,
    )
    .await;
    assert_eq!(staff["items"].as_array().unwrap().len(), 1);
    assert_eq!(staff["items"][0]["username"], "door_one");

    let admitted = expect_status(scan(&app, &door, event, &first.ticket).await, 201).await;
    assert_eq!(admitted["checked_in_by"], "door_one");
    let listed = app
        .session(&door)
        .get(&format!("/events/{event}/check-ins"))
        .await;
    assert_eq!(expect_status(listed, 200).await["total"], 1);
    // Staff of one event are nobody at another's door.
    let elsewhere = app.create_event(5).await;
    let there = hold(&app, elsewhere, "carol@example.com").await;
    expect_problem(
        scan(&app, &door, elsewhere, &there.ticket).await,
        403,
        "forbidden",
    )
    .await;

    let removed = app.organizer().delete(&staff_path).await;
    assert_eq!(removed.status(), 204);
    assert_eq!(app.organizer().delete(&staff_path).await.status(), 204);
    expect_problem(
        scan(&app, &door, event, &second.ticket).await,
        403,
        "forbidden",
    )
    .await;
}

async fn only_the_owner_or_an_admin_manages_door_staff(app: TestApp) {
    let event = app.create_event(5).await;
    let door = app.sign_up("door_two").await;
    let path = format!("/events/{event}/staff/door_two");
    expect_status(app.organizer().put(&path, &json!({})).await, 200).await;
    // Door staff may admit, not name others.
    let stranger = app.sign_up("stranger").await;
    let by_staff = app
        .session(&door)
        .put(&format!("/events/{event}/staff/stranger"), &json!({}))
        .await;
    expect_problem(by_staff, 403, "forbidden").await;
    let listing = app
        .session(&stranger)
        .get(&format!("/events/{event}/staff"))
        .await;
    expect_problem(listing, 403, "forbidden").await;
    let anonymous = app.request(Method::PUT, &path).send().await.unwrap();
    expect_problem(anonymous, 401, "authentication_required").await;
    let admin = app.admin_token().await;
    let by_admin = app.session(&admin).delete(&path).await;
    assert_eq!(by_admin.status(), 204);

    let unknown = app
        .organizer()
        .put(&format!("/events/{event}/staff/nobody_here"), &json!({}))
        .await;
    expect_problem(unknown, 404, "user_not_found").await;
    let no_event = app
        .organizer()
        .put("/events/999999/staff/door_two", &json!({}))
        .await;
    expect_problem(no_event, 404, "event_not_found").await;
    let no_door = scan(&app, &app.organizer_token, 999_999, "1.abc").await;
    expect_problem(no_door, 404, "event_not_found").await;
}

async fn a_cancelled_booking_is_refused_at_the_door(app: TestApp) {
    let event = app.create_event(5).await;
    let held = hold(&app, event, "asha@example.com").await;
    expect_status(cancel(&app, &held).await, 200).await;
    let refused = scan(&app, &app.organizer_token, event, &held.ticket).await;
    expect_problem(refused, 409, "ticket_cancelled").await;
    let listed = app
        .organizer()
        .get(&format!("/events/{event}/check-ins"))
        .await;
    assert_eq!(expect_status(listed, 200).await["total"], 0);
}

async fn a_ticket_of_another_event_is_refused_and_not_admitted(app: TestApp) {
    let event = app.create_event(5).await;
    let other = app.create_event(5).await;
    let held = hold(&app, other, "asha@example.com").await;
    let refused = scan(&app, &app.organizer_token, event, &held.ticket).await;
    let problem = expect_problem(refused, 422, "ticket_for_another_event").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&other.to_string())
    );
    // Still good at its own door.
    expect_status(
        scan(&app, &app.organizer_token, other, &held.ticket).await,
        201,
    )
    .await;
}

async fn forged_and_garbled_codes_are_refused(app: TestApp) {
    let event = app.create_event(5).await;
    let held = hold(&app, event, "asha@example.com").await;
    let neighbour = hold(&app, event, "bob@example.com").await;
    let (_, tag) = held.ticket.split_once('.').unwrap();
    let forged = format!("{}.{tag}", neighbour.id);
    for code in [forged.as_str(), "", "hello", "1.", &"7".repeat(500), "🎟️"] {
        let refused = scan(&app, &app.organizer_token, event, code).await;
        expect_problem(refused, 422, "invalid_ticket").await;
    }
    let no_ticket = app
        .organizer()
        .post(&format!("/events/{event}/check-ins"), &json!({}))
        .await;
    assert_eq!(no_ticket.status(), 422);
    // Nothing was admitted.
    let listed = app
        .organizer()
        .get(&format!("/events/{event}/check-ins"))
        .await;
    assert_eq!(expect_status(listed, 200).await["total"], 0);
}

async fn a_checked_in_booking_cannot_be_cancelled(app: TestApp) {
    let event = app.create_event(5).await;
    let held = hold(&app, event, "asha@example.com").await;
    expect_status(
        scan(&app, &app.organizer_token, event, &held.ticket).await,
        201,
    )
    .await;
    let refused = expect_problem(cancel(&app, &held).await, 409, "already_checked_in").await;
    assert!(refused["detail"].as_str().unwrap().contains("checked in"));
    assert_eq!(booking(&app, &held).await["status"], "confirmed");
    assert_eq!(app.seats(event).await, (1, 4));
}

async fn check_ins_are_listed_with_how_many_are_expected(app: TestApp) {
    let event = app.create_event(10).await;
    let mut held = Vec::new();
    for n in 0..5 {
        held.push(hold(&app, event, &format!("p{n}@example.com")).await);
    }
    for h in &held[..3] {
        expect_status(
            scan(&app, &app.organizer_token, event, &h.ticket).await,
            201,
        )
        .await;
    }
    let path = format!("/events/{event}/check-ins?page_size=2");
    let page = expect_status(app.organizer().get(&path).await, 200).await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["confirmed"], 5);
    assert_eq!(page["page_size"], 2);
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["booking_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [held[0].id, held[1].id]);
    let second = expect_status(app.organizer().get(&format!("{path}&page=2")).await, 200).await;
    assert_eq!(second["items"][0]["booking_id"], held[2].id);
    // The event's attendee list marks who is in.
    let attendees = app
        .organizer()
        .get(&format!("/events/{event}/attendees"))
        .await;
    let attendees = expect_status(attendees, 200).await;
    let marked: Vec<bool> = attendees["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["checked_in_at"].is_string())
        .collect();
    assert_eq!(marked, [true, true, true, false, false]);

    let stranger = app.sign_up("stranger").await;
    let refused = app
        .session(&stranger)
        .get(&format!("/events/{event}/check-ins"))
        .await;
    expect_problem(refused, 403, "forbidden").await;
    let bad_page = app
        .organizer()
        .get(&format!("/events/{event}/check-ins?page=0"))
        .await;
    assert_eq!(bad_page.status(), 422);
}
