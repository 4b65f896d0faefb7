//! `/attendees`: registration and self-service of an attendee's record.

use crate::access::Caller;
use crate::dto::{
    AttendeeCreate, AttendeePage, AttendeeRegistered, AttendeeUpdate, AttendeeView, PageQuery,
};
use crate::error::{ApiError, Missing, Problem};
use crate::extract::{Json, Path, Query, RenderZone};
use crate::openapi::responses::{
    AttendeeNotFound, AttendeeTokenRequired, BadPage, BadParameter, InvalidFields, MalformedJson,
    NotAttendeeOrAdmin, NotSignedIn,
};
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
        MalformedJson,
        (status = 409, description = "`email_taken`: the address is already registered", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
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
#[utoipa::path(get, path = "/attendees", tag = "attendees", security(("bearerAuth" = []), ("oauth2" = [])), params(PageQuery, crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "One page of attendees", body = AttendeePage),
        BadParameter,
        NotSignedIn,
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        BadPage,
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
    params(("id" = i64, Path, description = "Attendee id", minimum = 1), ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The attendee", body = AttendeeView),
        AttendeeTokenRequired,
        NotAttendeeOrAdmin,
        AttendeeNotFound,
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
    params(("id" = i64, Path, description = "Attendee id", minimum = 1), ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token"),
        crate::openapi::TimeZoneParam),
    responses(
        (status = 200, description = "The updated attendee", body = AttendeeView),
        AttendeeTokenRequired,
        NotAttendeeOrAdmin,
        AttendeeNotFound,
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
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
    params(("id" = i64, Path, description = "Attendee id", minimum = 1), ("X-Attendee-Token" = Option<String>, Header, description = "The attendee's token")),
    responses(
        (status = 204, description = "Erased"),
        AttendeeTokenRequired,
        NotAttendeeOrAdmin,
        AttendeeNotFound,
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
