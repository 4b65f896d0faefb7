//! Ticket codes and images: who gets them, and what a cancelled booking gets.

use super::*;

on_both_databases!(
    a_booking_carries_its_ticket_until_it_is_cancelled,
    the_ticket_image_is_a_qr_code_for_those_who_may_see_the_booking,
    a_cancelled_booking_has_no_ticket_image,
);

async fn a_booking_carries_its_ticket_until_it_is_cancelled(app: TestApp) {
    let event = app.create_event(5).await;
    let held = hold(&app, event, "asha@example.com").await;
    assert!(
        held.ticket.starts_with(&format!("{}.", held.id)),
        "{}",
        held.ticket
    );
    assert!(held.ticket.len() <= 45);
    assert_eq!(booking(&app, &held).await["ticket"], held.ticket.as_str());
    // Another booking's ticket is another code.
    let other = hold(&app, event, "bob@example.com").await;
    assert_ne!(other.ticket, held.ticket);

    expect_status(cancel(&app, &held).await, 200).await;
    assert!(booking(&app, &held).await.get("ticket").is_none());
}

async fn the_ticket_image_is_a_qr_code_for_those_who_may_see_the_booking(app: TestApp) {
    let event = app.create_event(5).await;
    let held = hold(&app, event, "asha@example.com").await;
    let image = |format: &str, token: &str| {
        app.request(
            Method::GET,
            &format!("/bookings/{}/ticket.{format}", held.id),
        )
        .header("X-Cancel-Token", token.to_owned())
        .send()
    };
    let svg = image("svg", &held.cancel_token).await.unwrap();
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert_eq!(svg.headers()["cache-control"], "no-store");
    assert!(svg.text().await.unwrap().starts_with("<svg "));
    let png = image("png", &held.cancel_token).await.unwrap();
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    // The event's owner may see it too; another booking's token may not.
    let owner = app
        .organizer()
        .get(&format!("/bookings/{}/ticket.svg", held.id))
        .await;
    assert_eq!(owner.status(), 200);
    let other = hold(&app, event, "bob@example.com").await;
    let refused = image("svg", &other.cancel_token).await.unwrap();
    expect_problem(refused, 404, "booking_not_found").await;
    let anonymous = app.get(&format!("/bookings/{}/ticket.png", held.id)).await;
    expect_problem(anonymous, 401, "authentication_required").await;
}

async fn a_cancelled_booking_has_no_ticket_image(app: TestApp) {
    let event = app.create_event(5).await;
    let held = hold(&app, event, "asha@example.com").await;
    expect_status(cancel(&app, &held).await, 200).await;
    let response = app
        .request(Method::GET, &format!("/bookings/{}/ticket.svg", held.id))
        .header("X-Cancel-Token", &held.cancel_token)
        .send()
        .await
        .unwrap();
    expect_problem(response, 409, "ticket_cancelled").await;
}
