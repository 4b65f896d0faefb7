//! `/auth`: sign up, sign in, who am I.

use crate::auth::{ClientIp, SignedIn};
use crate::dto::{AccessToken, TokenForm, UserLogin, UserRegister, UserView};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::{Json, RenderZone};
use crate::openapi::responses::{InvalidFields, MalformedJson, SignInRequired};
use crate::state::AppState;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use boxoffice_domain::{NewUser, Role, Zone};
use secrecy::ExposeSecret;

/// Create an account.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = UserRegister,
    responses(
        (status = 201, description = "Created", body = UserView),
        MalformedJson,
        (status = 409, description = "`email_taken` or `username_taken`", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn register_user(
    State(app): State<AppState>,
    zone: RenderZone,
    Json(input): Json<UserRegister>,
) -> Result<impl IntoResponse, ApiError> {
    let registration = input.into_domain()?;
    let password_hash = app.security.passwords.hash(&registration.password).await?;
    let user = NewUser {
        email: registration.email,
        username: registration.username,
        full_name: registration.full_name,
        password_hash,
        role: Role::User,
    };
    let created = app.store.create_user(&user, app.now()).await?;
    tracing::info!(user.id = %created.id, "account created");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, "/auth/me".to_owned())],
        axum::Json(UserView::render(&created, zone.or(Zone::DEFAULT))),
    ))
}

/// Checks credentials, counting the attempt against the caller's address.
async fn sign_in(
    app: &AppState,
    ip: ClientIp,
    login: &str,
    password: &str,
) -> Result<AccessToken, ApiError> {
    app.security.rate_limits.check_login(ip.0).await?;
    let found = app.store.user_for_login(login).await?;
    let hash = found.as_ref().map(|(_, hash)| hash.as_str());
    // The decoy check keeps the timing the same whether or not the account exists.
    let verified = app.security.passwords.verify(password, hash).await;
    let Some((user, _)) = found.filter(|_| verified) else {
        metrics::counter!("boxoffice_logins_total", "outcome" => "refused").increment(1);
        return Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "Invalid username or password.",
        ));
    };
    metrics::counter!("boxoffice_logins_total", "outcome" => "accepted").increment(1);
    Ok(AccessToken {
        access_token: app.security.tokens.issue(&user)?,
        token_type: "bearer".into(),
        expires_in: app.security.tokens.ttl().as_secs(),
    })
}

/// Sign in with username (or e-mail) and password.
///
/// More than 5 attempts per minute from one address answer 429 with `Retry-After`.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = UserLogin,
    responses(
        (status = 200, description = "Signed in", body = AccessToken),
        (status = 401, description = "`invalid_credentials`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`rate_limit_unavailable`: attempts cannot be counted (shared counters unreachable); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(app): State<AppState>,
    ip: ClientIp,
    Json(input): Json<UserLogin>,
) -> Result<axum::Json<AccessToken>, ApiError> {
    let (login, password) = input.into_credentials()?;
    let token = sign_in(&app, ip, &login, password.expose_secret()).await?;
    Ok(axum::Json(token))
}

/// OAuth2 password grant (form-encoded), used by Swagger UI's "Authorize".
#[utoipa::path(post, path = "/auth/token", tag = "auth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Signed in", body = AccessToken),
        (status = 401, description = "`invalid_credentials`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`rate_limit_unavailable`: attempts cannot be counted (shared counters unreachable); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn issue_token(
    State(app): State<AppState>,
    ip: ClientIp,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Result<axum::Json<AccessToken>, ApiError> {
    let Form(form) = form.map_err(form_rejection)?;
    if form.grant_type.as_deref().is_some_and(|g| g != "password") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedGrantType,
            "Only grant_type=password is supported.",
        ));
    }
    let (login, password) = form.into_credentials()?;
    Ok(axum::Json(
        sign_in(&app, ip, &login, password.expose_secret()).await?,
    ))
}

/// Too large a form is a 413 and another content type a 415, as for JSON bodies.
fn form_rejection(err: axum::extract::rejection::FormRejection) -> ApiError {
    match err.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the form with Content-Type: application/x-www-form-urlencoded.",
        ),
        _ => ApiError::new(ErrorCode::InvalidForm, err.body_text()),
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The account", body = UserView),
        SignInRequired,
    ))]
pub async fn get_me(
    State(app): State<AppState>,
    zone: RenderZone,
    SignedIn(caller): SignedIn,
) -> Result<axum::Json<UserView>, ApiError> {
    let user =
        app.store.get_user(caller.id).await?.ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidToken, "The account no longer exists.")
        })?;
    Ok(axum::Json(UserView::render(&user, zone.or(Zone::DEFAULT))))
}
