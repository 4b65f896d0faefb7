//! `GET`/`PUT /me/notification-preferences`: a signed-in user's (bearer token) or an
//! attendee's (`X-Attendee-Token`) channels and language.

use crate::access::Caller;
use crate::dto::{NotificationPreferencesUpdate, NotificationPreferencesView, PreferenceHolder};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::openapi::responses::SignInOrAttendeeToken;
use crate::state::AppState;
use axum::extract::State;

fn nobody() -> ApiError {
    ApiError::unauthorized(
        "Sign in (Authorization: Bearer), or send the attendee's X-Attendee-Token.",
    )
}

async fn view(app: &AppState, caller: &Caller) -> Result<NotificationPreferencesView, ApiError> {
    if let Some(user) = &caller.user {
        let (chosen, locale) = app.store.user_preferences(user.id).await?;
        return Ok(NotificationPreferencesView::new(
            PreferenceHolder::User,
            chosen,
            locale,
        ));
    }
    let Some(attendee) = caller.attendee(app).await? else {
        return Err(nobody());
    };
    let chosen = app.store.attendee_preferences(attendee).await?;
    let locale = app
        .store
        .get_attendee(attendee)
        .await?
        .map(|a| a.locale.as_str().to_owned());
    Ok(NotificationPreferencesView::new(
        PreferenceHolder::Attendee,
        chosen,
        locale,
    ))
}

/// Your notification channels and language.
#[utoipa::path(get, path = "/me/notification-preferences", tag = "notifications",
    security(("bearerAuth" = []), ("oauth2" = []), ()),
    params(("X-Attendee-Token" = Option<String>, Header, description = "An attendee's token, instead of signing in")),
    responses(
        (status = 200, description = "The preferences (every channel on until changed)", body = NotificationPreferencesView),
        SignInOrAttendeeToken,
    ))]
pub async fn get_preferences(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<NotificationPreferencesView>, ApiError> {
    Ok(axum::Json(view(&app, &caller).await?))
}

/// Choose your notification channels and language.
#[utoipa::path(put, path = "/me/notification-preferences", tag = "notifications",
    security(("bearerAuth" = []), ("oauth2" = []), ()),
    params(("X-Attendee-Token" = Option<String>, Header, description = "An attendee's token, instead of signing in")),
    request_body = NotificationPreferencesUpdate,
    responses(
        (status = 200, description = "The preferences as stored", body = NotificationPreferencesView),
        SignInOrAttendeeToken,
        (status = 422, description = "A channel missing, or a bad locale", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_preferences(
    State(app): State<AppState>,
    caller: Caller,
    Json(input): Json<NotificationPreferencesUpdate>,
) -> Result<axum::Json<NotificationPreferencesView>, ApiError> {
    let (chosen, locale) = input.into_parts()?;
    let locale = locale.as_ref().map(|l| l.as_str());
    if let Some(user) = &caller.user {
        let kept = match locale {
            Some(_) => None,
            None => app.store.user_preferences(user.id).await?.1,
        };
        let locale = locale.or(kept.as_deref());
        app.store
            .set_user_preferences(user.id, chosen, locale, app.now())
            .await?;
    } else {
        let Some(attendee) = caller.attendee(&app).await? else {
            return Err(nobody());
        };
        app.store
            .set_attendee_preferences(attendee, chosen, locale, app.now())
            .await?;
    }
    Ok(axum::Json(view(&app, &caller).await?))
}
