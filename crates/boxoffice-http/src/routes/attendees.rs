//! `/attendees`: registration and self-service of an attendee's record.

use crate::access::Caller;
use crate::dto::{
    AttendeeCreate, AttendeePage, AttendeeRegistered, AttendeeUpdate, AttendeeView, PageQuery,
};
use crate::error::{ApiError, Missing, Problem};
use crate::extract::{Json, Path, Query, RenderZone};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use boxoffice_domain::{Attendee, AttendeeId, Page, SecretToken, Zone};
use boxoffice_usecases as usecases;

/// Registers an attendee; the token is shown to them once and only its hash is kept.
pub(crate) async fn register(
    app: &AppState,
    input: AttendeeCreate,
) -> Result<(Attendee, SecretToken), ApiError> {
    let attendee = input.into_domain()?;
    let token = SecretToken::generate();
    let created =
        usecases::attendees::register(&app.store, &attendee, &token.hash(), app.now()).await?;
    Ok((created, token))
}

/// One page of all attendees, for admins.
pub(crate) async fn list(
    app: &AppState,
    caller: &Caller,
    page: &PageQuery,
) -> Result<Page<Attendee>, ApiError> {
    caller.require_admin()?;
    Ok(app.store.list_attendees(page.to_request()?).await?)
}

/// The attendee `id`, for that attendee (their token) or an admin.
pub(crate) async fn find(app: &AppState, caller: &Caller, id: i64) -> Result<Attendee, ApiError> {
    let id = AttendeeId(id);
    caller.require_attendee(app, id).await?;
    app.store
        .get_attendee(id)
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Attendee, id))
}

/// Register an attendee.
///
/// The response carries a one-time `token`; send it as `X-Attendee-Token` to manage the record.
#[utoipa::path(post, path = "/attendees", tag = "attendees", request_body = AttendeeCreate,
    responses(
        (status = 201, description = "Registered", body = AttendeeRegistered),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`: the address is already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_attendee(
    State(app): State<AppState>,
    zone: RenderZone,
    Json(input): Json<AttendeeCreate>,
) -> Result<impl IntoResponse, ApiError> {
    let (created, token) = register(&app, input).await?;
    let body = AttendeeRegistered {
        attendee: AttendeeView::render(&created, zone.or(Zone::DEFAULT)),
        token: token.expose().to_owned(),
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/attendees/{}", created.id))],
        axum::Json(body),
    ))
}

/// List attendees (admins).
#[utoipa::path(get, path = "/attendees", tag = "attendees", security(("bearerAuth" = []), ("oauth2" = [])), params(PageQuery, ("tz" = Option<String>, Query, description = "Render times in this IANA zone")),
    responses(
        (status = 200, description = "One page of attendees", body = AttendeePage),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page or page_size", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_attendees(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<AttendeePage>, ApiError> {
    let attendees = list(&app, &caller, &page).await?;
    let zone = zone.or(Zone::DEFAULT);
    Ok(axum::Json(AttendeePage::new(
        attendees.map(|a| AttendeeView::render(&a, zone)),
    )))
}

/// Get an attendee's record (their `X-Attendee-Token`, or an admin).
#[utoipa::path(get, path = "/attendees/{id}", tag = "attendees", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Attendee id"), ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        ("tz" = Option<String>, Query, description = "Render times in this IANA zone")),
    responses(
        (status = 200, description = "The attendee", body = AttendeeView),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in, but neither the attendee nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attendee for this token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_attendee(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<AttendeeView>, ApiError> {
    let attendee = find(&app, &caller, id).await?;
    Ok(axum::Json(AttendeeView::render(
        &attendee,
        zone.or(Zone::DEFAULT),
    )))
}

/// Change an attendee's record (their `X-Attendee-Token`, or an admin).
#[utoipa::path(patch, path = "/attendees/{id}", tag = "attendees", security((), ("bearerAuth" = []), ("oauth2" = [])), request_body = AttendeeUpdate,
    params(("id" = i64, Path, description = "Attendee id"), ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        ("tz" = Option<String>, Query, description = "Render times in this IANA zone")),
    responses(
        (status = 200, description = "The updated attendee", body = AttendeeView),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in, but neither the attendee nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attendee for this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_attendee(
    State(app): State<AppState>,
    zone: RenderZone,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<AttendeeUpdate>,
) -> Result<axum::Json<AttendeeView>, ApiError> {
    let id = AttendeeId(id);
    caller.require_attendee(&app, id).await?;
    let patch = input.into_domain()?;
    let attendee = usecases::attendees::update(&app.store, id, &patch, app.now())
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Attendee, id))?;
    Ok(axum::Json(AttendeeView::render(
        &attendee,
        zone.or(Zone::DEFAULT),
    )))
}

/// Erase an attendee and their bookings, freeing the seats they held (their `X-Attendee-Token`, or an admin).
#[utoipa::path(delete, path = "/attendees/{id}", tag = "attendees", security((), ("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Attendee id"), ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token")),
    responses(
        (status = 204, description = "Erased"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in, but neither the attendee nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attendee for this token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_attendee(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let id = AttendeeId(id);
    caller.require_attendee(&app, id).await?;
    usecases::attendees::erase(&app.store, id, app.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
