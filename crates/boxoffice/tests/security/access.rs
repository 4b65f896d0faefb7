//! Tokens and the "who" column: refused tokens, owners, holders and admins.

use super::*;

on_both_databases!(
    access_tokens_carry_id_username_and_role_and_last_thirty_minutes,
    expired_tampered_foreign_and_unsigned_tokens_are_refused,
    only_signed_in_users_create_events_and_they_own_them,
    only_the_owner_or_an_admin_changes_deletes_or_lists_attendees_of_an_event,
    attendee_records_belong_to_their_attendee_or_an_admin,
    bookings_are_seen_and_cancelled_by_holder_owner_or_admin_and_nobody_else,
    listing_all_bookings_and_attendees_is_for_admins,
    the_organizer_and_admins_book_for_any_attendee,
    swagger_ui_can_sign_in_with_the_oauth2_password_flow,
);

async fn access_tokens_carry_id_username_and_role_and_last_thirty_minutes(app: TestApp) {
    let token = app.sign_up("carol").await;
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let me = expect_status(app.session(&token).get("/auth/me").await, 200).await;
    assert_eq!(claims["sub"], me["id"].to_string());
    assert_eq!(
        (claims["username"].as_str(), claims["role"].as_str()),
        (Some("carol"), Some("user"))
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        1800
    );
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "HS256");
}

async fn expired_tampered_foreign_and_unsigned_tokens_are_refused(app: TestApp) {
    let id = user_id_of(&app.organizer_token);
    let event = app.create_event(5).await;
    for (kind, token) in bad_tokens(&id) {
        let me = app.session(&token).get("/auth/me").await;
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{kind}");
        assert!(me.headers().contains_key("www-authenticate"), "{kind}");
        let code = expect_status(me, 401).await["code"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            code,
            if kind == "expired" {
                "token_expired"
            } else {
                "invalid_token"
            },
            "{kind}"
        );
        let create = app
            .session(&token)
            .post("/events", &event_body("Nope", 5))
            .await;
        assert_eq!(create.status(), StatusCode::UNAUTHORIZED, "{kind}");
        let delete = app
            .session(&token)
            .delete(&format!("/events/{event}"))
            .await;
        assert_eq!(delete.status(), StatusCode::UNAUTHORIZED, "{kind}");
    }
    let wrong_scheme = app
        .request(Method::GET, "/auth/me")
        .header("Authorization", format!("Basic {}", app.organizer_token))
        .send()
        .await
        .unwrap();
    expect_problem(wrong_scheme, 401, "invalid_token").await;
    expect_status(app.get(&format!("/events/{event}")).await, 200).await;
}

async fn only_signed_in_users_create_events_and_they_own_them(app: TestApp) {
    expect_problem(
        app.post("/events", &event_body("Anonymous", 5)).await,
        401,
        "authentication_required",
    )
    .await;
    let created = expect_status(
        app.organizer()
            .post("/events", &event_body("Mine", 5))
            .await,
        201,
    )
    .await;
    assert_eq!(created["created_by"], "organizer");
}

async fn only_the_owner_or_an_admin_changes_deletes_or_lists_attendees_of_an_event(app: TestApp) {
    let event = app.create_event(5).await;
    let other = app.sign_up("other").await;
    let admin = app.admin_token().await;
    let path = format!("/events/{event}");
    let attendees = format!("/events/{event}/attendees");

    expect_problem(
        app.patch(&path, &json!({"title": "x"})).await,
        401,
        "authentication_required",
    )
    .await;
    expect_problem(
        app.request(Method::PUT, &path)
            .json(&json!({"title": "x"}))
            .send()
            .await
            .unwrap(),
        401,
        "authentication_required",
    )
    .await;
    expect_problem(app.delete(&path).await, 401, "authentication_required").await;
    expect_problem(app.get(&attendees).await, 401, "authentication_required").await;

    let stranger = app.session(&other);
    expect_problem(
        stranger.patch(&path, &json!({"title": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(
        stranger.put(&path, &json!({"title": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(stranger.delete(&path).await, 403, "forbidden").await;
    expect_problem(stranger.get(&attendees).await, 403, "forbidden").await;

    expect_status(
        app.organizer()
            .patch(&path, &json!({"title": "By owner"}))
            .await,
        200,
    )
    .await;
    expect_status(app.organizer().get(&attendees).await, 200).await;
    expect_status(
        app.session(&admin)
            .put(&path, &json!({"title": "By admin"}))
            .await,
        200,
    )
    .await;
    expect_status(app.session(&admin).get(&attendees).await, 200).await;
    expect_status(app.session(&admin).delete(&path).await, 204).await;
    let owned = app.create_event(5).await;
    expect_status(
        app.organizer().delete(&format!("/events/{owned}")).await,
        204,
    )
    .await;
}

async fn attendee_records_belong_to_their_attendee_or_an_admin(app: TestApp) {
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let path = format!("/attendees/{}", ann["id"]);
    let user = app.sign_up("nosy").await;
    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    expect_problem(app.session(&user).get(&path).await, 403, "forbidden").await;
    expect_problem(app.session(&user).delete(&path).await, 403, "forbidden").await;
    let admin = app.admin_token().await;
    expect_status(app.session(&admin).get(&path).await, 200).await;
    expect_status(
        app.session(&admin)
            .patch(&path, &json!({"name": "Ann L."}))
            .await,
        200,
    )
    .await;
    expect_status(app.session(&admin).delete(&path).await, 204).await;
}

async fn bookings_are_seen_and_cancelled_by_holder_owner_or_admin_and_nobody_else(app: TestApp) {
    let event = app.create_event(5).await;
    let booking = expect_status(app.book(event, "ann@example.com").await, 201).await;
    let path = format!("/bookings/{}", booking["id"]);
    let stranger = app.sign_up("stranger").await;
    expect_problem(app.get(&path).await, 401, "authentication_required").await;
    // A signed-in stranger cannot tell this booking from a missing one.
    expect_problem(
        app.session(&stranger).get(&path).await,
        404,
        "booking_not_found",
    )
    .await;
    expect_problem(
        app.session(&stranger).get("/bookings/999999").await,
        404,
        "booking_not_found",
    )
    .await;
    expect_problem(
        app.session(&stranger).delete(&path).await,
        404,
        "booking_not_found",
    )
    .await;
    for (kind, token) in bad_tokens(&user_id_of(&app.organizer_token)) {
        assert_eq!(
            app.session(&token).get(&path).await.status(),
            StatusCode::UNAUTHORIZED,
            "{kind}"
        );
    }
    expect_status(app.organizer().get(&path).await, 200).await;
    let admin = app.admin_token().await;
    expect_status(app.session(&admin).get(&path).await, 200).await;
    assert_eq!(
        expect_status(app.organizer().delete(&path).await, 200).await["status"],
        "cancelled"
    );
    let second = expect_status(app.book(event, "bob@example.com").await, 201).await;
    expect_status(
        app.session(&admin)
            .delete(&format!("/bookings/{}", second["id"]))
            .await,
        200,
    )
    .await;
    assert_eq!(app.seats(event).await, (0, 5));
}

async fn listing_all_bookings_and_attendees_is_for_admins(app: TestApp) {
    let event = app.create_event(5).await;
    expect_status(app.book(event, "ann@example.com").await, 201).await;
    let user = app.sign_up("curious").await;
    for path in ["/bookings", "/attendees"] {
        expect_problem(app.get(path).await, 401, "authentication_required").await;
        expect_problem(app.session(&user).get(path).await, 403, "forbidden").await;
        expect_problem(app.organizer().get(path).await, 403, "forbidden").await;
    }
    let admin = app.admin_token().await;
    assert_eq!(
        expect_status(app.session(&admin).get("/bookings").await, 200).await["total"],
        1
    );
    assert_eq!(
        expect_status(app.session(&admin).get("/attendees").await, 200).await["total"],
        1
    );
}

async fn the_organizer_and_admins_book_for_any_attendee(app: TestApp) {
    let event = app.create_event(5).await;
    let ann = expect_status(
        app.post(
            "/attendees",
            &json!({"name": "Ann", "email": "ann@example.com"}),
        )
        .await,
        201,
    )
    .await;
    let body = json!({"event_id": event, "attendee_id": ann["id"]});
    // Another signed-in user is no one to book Ann; the event's organizer and an admin are.
    let stranger = app.sign_up("stranger").await;
    expect_problem(
        app.session(&stranger).post("/bookings", &body).await,
        403,
        "forbidden",
    )
    .await;
    expect_status(app.organizer().post("/bookings", &body).await, 201).await;
    let second = app.create_event(5).await;
    let body = json!({"event_id": second, "attendee_id": ann["id"]});
    let admin = app.admin_token().await;
    expect_status(app.session(&admin).post("/bookings", &body).await, 201).await;
}

async fn swagger_ui_can_sign_in_with_the_oauth2_password_flow(app: TestApp) {
    let spec = expect_status(app.get("/openapi.json").await, 200).await;
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(
        schemes["oauth2"]["flows"]["password"]["tokenUrl"],
        "/auth/token"
    );
    assert!(spec["paths"]["/events"]["post"]["security"].is_array());
    let form = app
        .request(Method::POST, "/auth/token")
        .form(&[
            ("grant_type", "password"),
            ("username", "organizer"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let token = expect_status(form, 200).await;
    expect_status(
        app.session(token["access_token"].as_str().unwrap())
            .get("/auth/me")
            .await,
        200,
    )
    .await;
    let wrong = app
        .request(Method::POST, "/auth/token")
        .form(&[("username", "organizer"), ("password", "nope")])
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 401, "invalid_credentials").await;
}
