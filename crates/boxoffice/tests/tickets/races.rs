//! What only the database can decide: two devices scanning one ticket, and a scan racing
//! a cancellation.

use super::*;

on_both_databases!(
    two_door_devices_scanning_one_ticket_admit_it_exactly_once,
    a_scan_racing_a_cancellation_never_admits_a_cancelled_booking,
);

const ROUNDS: usize = 25;

async fn two_door_devices_scanning_one_ticket_admit_it_exactly_once(app: TestApp) {
    let event = app.create_event(ROUNDS as i64).await;
    let door = app.sign_up("door_racer").await;
    let staff = format!("/events/{event}/staff/door_racer");
    expect_status(app.organizer().put(&staff, &json!({})).await, 200).await;
    for round in 0..ROUNDS {
        let held = hold(&app, event, &format!("racer{round}@example.com")).await;
        let (a, b, c) = tokio::join!(
            scan(&app, &app.organizer_token, event, &held.ticket),
            scan(&app, &door, event, &held.ticket),
            scan(&app, &door, event, &held.ticket),
        );
        let statuses = [
            a.status().as_u16(),
            b.status().as_u16(),
            c.status().as_u16(),
        ];
        let admitted = statuses.iter().filter(|&&s| s == 201).count();
        let repeats = statuses.iter().filter(|&&s| s == 409).count();
        assert_eq!((admitted, repeats), (1, 2), "round {round}: {statuses:?}");
    }
    let listed = app
        .organizer()
        .get(&format!("/events/{event}/check-ins"))
        .await;
    assert_eq!(expect_status(listed, 200).await["total"], ROUNDS);
}

async fn a_scan_racing_a_cancellation_never_admits_a_cancelled_booking(app: TestApp) {
    let event = app.create_event(ROUNDS as i64).await;
    let (mut admitted, mut cancelled) = (0, 0);
    for round in 0..ROUNDS {
        let held = hold(&app, event, &format!("racer{round}@example.com")).await;
        let (scanned, cancelling) = tokio::join!(
            scan(&app, &app.organizer_token, event, &held.ticket),
            cancel(&app, &held),
        );
        let scanned = scanned.status().as_u16();
        let cancelling = cancelling.status().as_u16();
        let status = booking(&app, &held).await["status"]
            .as_str()
            .unwrap()
            .to_owned();
        match (scanned, cancelling) {
            (201, 409) => {
                assert_eq!(status, "confirmed", "round {round}");
                admitted += 1;
            }
            (409, 200) => {
                assert_eq!(status, "cancelled", "round {round}");
                cancelled += 1;
            }
            other => panic!("round {round}: scan and cancellation answered {other:?}"),
        }
    }
    // The database agrees: every admitted booking is confirmed, and the seats add up.
    let listed = app
        .organizer()
        .get(&format!("/events/{event}/check-ins?page_size=100"))
        .await;
    let listed = expect_status(listed, 200).await;
    assert_eq!(listed["total"], admitted);
    assert_eq!(listed["confirmed"], admitted);
    assert_eq!(app.seats(event).await.0, admitted as i64);
    assert_eq!(admitted + cancelled, ROUNDS);
    assert!(app.store.check_invariants(None).await.unwrap().is_empty());
}
