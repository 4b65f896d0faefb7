//! `POST /attendees/magic-link` e-mails an attendee a single-use sign-in link to the web
//! app's `/app/magic/{token}` page, which redeems it through `GET /attendees/magic-link/{token}`
//! for a new attendee token.
//!
//! The request answers the same (202) whether or not an attendee has the address, and the
//! mail is sent after the answer, so neither the body nor the timing tells. Requests count
//! against the sign-in limit of the caller's address.

use crate::auth::ClientIp;
use crate::dto::{AttendeeSignIn, MagicLinkAccepted, MagicLinkRequest};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use boxoffice_channels::{Notice, OutgoingMail, Placeholder, Placeholders, Templates};
use boxoffice_domain::{AttendeeId, Email, SecretHash, SecretToken, Validator};

/// Where the e-mailed link lands: the web app's page that redeems the token.
const LINK_PAGE: &str = "/app/magic/";

/// The request path as logged: a sign-in link's token is a credential until used, so it
/// never reaches the logs, neither on the API path nor on the web app's page.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/attendees/magic-link/", LINK_PAGE] {
        if let Some(token) = path.strip_prefix(prefix)
            && !token.is_empty()
        {
            return format!("{prefix}<token>").into();
        }
    }
    path.into()
}

/// How long a sign-in link works.
pub const VALID_MINUTES: i64 = 15;

/// E-mail me a sign-in link.
#[utoipa::path(post, path = "/attendees/magic-link", tag = "attendees", security(()),
    request_body = MagicLinkRequest,
    responses(
        (status = 202, description = "If an attendee has this address, a link is on its way (the same answer either way)", body = MagicLinkAccepted),
        (status = 422, description = "Not an e-mail address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "E-mail is not configured on this service", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn request_magic_link(
    State(app): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Json(input): Json<MagicLinkRequest>,
) -> Result<(StatusCode, axum::Json<MagicLinkAccepted>), ApiError> {
    let mut v = Validator::new();
    let email = v
        .require("email", input.email)
        .and_then(|e| v.check("email", Email::parse(&e)));
    v.finish()?;
    let email = email.expect("validated");
    app.security.rate_limits.check_login(ip.0).await?;
    let Some(mailer) = app.mailer.clone() else {
        return Err(ApiError::new(
            ErrorCode::EmailUnavailable,
            "This service does not send e-mail.",
        ));
    };
    if let Some(attendee) = app.store.attendee_by_email(email.as_str()).await? {
        let token = SecretToken::generate();
        let now = app.now();
        let expires = now + chrono::Duration::minutes(VALID_MINUTES);
        app.store
            .create_magic_link(attendee, &token.hash(), now, expires)
            .await?;
        let origin = crate::origin::request_origin(
            &headers,
            ip.0,
            &app.security.trusted_proxies,
            app.public_url.as_ref(),
        );
        let link = format!("{origin}{LINK_PAGE}{}", token.expose());
        // Sent after the answer: how long sending takes must not tell who exists.
        tokio::spawn(send(app.clone(), mailer, attendee, link));
    }
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(MagicLinkAccepted {
            detail: format!(
                "If an attendee has this address, a sign-in link is on its way. It works once, for {VALID_MINUTES} minutes."
            ),
        }),
    ))
}

async fn send(app: AppState, mailer: boxoffice_channels::Mailer, id: AttendeeId, link: String) {
    let Ok(Some(attendee)) = app.store.get_attendee(id).await else {
        return;
    };
    let Some(address) = attendee.email else {
        return;
    };
    let values = Placeholders::new()
        .with(Placeholder::RecipientName, attendee.name.as_str())
        .with(Placeholder::Link, link)
        .with(Placeholder::ValidMinutes, VALID_MINUTES.to_string());
    let content =
        match Templates::new().render(Notice::MagicLink, attendee.locale.as_str(), &values) {
            Ok(content) => content,
            Err(err) => {
                tracing::error!(error = %err, "rendering a sign-in link failed");
                return;
            }
        };
    let mail = OutgoingMail {
        to_name: attendee.name.as_str().to_owned(),
        to_address: address.as_str().to_owned(),
        content,
        attachments: Vec::new(),
    };
    let outcome = mailer.send(&mail).await;
    let attempt = match &outcome {
        Ok(()) => boxoffice_channels::DeliveryAttempt::sent(
            boxoffice_channels::Channel::Email,
            address.as_str(),
            1,
        ),
        Err(err) => boxoffice_channels::DeliveryAttempt::failed(
            boxoffice_channels::Channel::Email,
            address.as_str(),
            err.to_string(),
            1,
        ),
    };
    let id = format!("magic-link-{}", uuid::Uuid::new_v4());
    attempt.report(&id);
    let record = boxoffice_store::DeliveryRecord {
        message_id: id,
        notice: Notice::MagicLink.name().to_owned(),
        channel: attempt.channel,
        recipient: attempt.recipient.clone(),
        status: attempt.status,
        error: attempt.error.clone(),
        attempts: 1,
    };
    if let Err(err) = app.store.record_delivery(&record, app.now()).await {
        tracing::warn!(error = %err, "recording a sign-in link delivery failed");
    }
}

/// Follow a sign-in link: yields a new attendee token, once.
#[utoipa::path(get, path = "/attendees/magic-link/{token}", tag = "attendees", security(()),
    params(("token" = String, Path, description = "The token from the e-mailed link")),
    responses(
        (status = 200, description = "Signed in: the attendee's new token (the previous one no longer works)", body = AttendeeSignIn),
        (status = 401, description = "Unknown, used or expired link", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn redeem_magic_link(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<axum::Json<AttendeeSignIn>, ApiError> {
    let fresh = SecretToken::generate();
    let redeemed = app
        .store
        .redeem_magic_link(&SecretHash::of(&token), &fresh.hash(), app.now())
        .await?;
    match redeemed {
        Some(attendee) => Ok(axum::Json(AttendeeSignIn {
            attendee_id: attendee.0,
            token: fresh.expose().to_owned(),
            token_type: "attendee".to_owned(),
        })),
        None => Err(ApiError::new(
            ErrorCode::MagicLinkInvalid,
            "This sign-in link is unknown, used or expired; ask for a new one.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn tokens_in_link_paths_are_not_logged() {
        assert_eq!(
            loggable_path("/attendees/magic-link/s3cret"),
            "/attendees/magic-link/<token>"
        );
        assert_eq!(loggable_path("/app/magic/s3cret"), "/app/magic/<token>");
        assert_eq!(loggable_path("/app/magic/"), "/app/magic/");
        assert_eq!(loggable_path("/app/bookings"), "/app/bookings");
        assert_eq!(
            loggable_path("/attendees/magic-link"),
            "/attendees/magic-link"
        );
    }
}
