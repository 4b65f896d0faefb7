//! Devices a signed-in user registers to receive push notifications.

use crate::auth::SignedIn;
use crate::dto::{DeviceRegister, DeviceView};
use crate::error::{ApiError, Missing, Problem};
use crate::extract::{Json, Path};
use crate::openapi::responses::{MalformedJson, NotSignedIn};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use boxoffice_domain::DeviceId;

/// Register a device for push notifications.
///
/// Idempotent by token: registering a known token again answers 200 and moves the device
/// to the caller (a phone signed in to another account).
#[utoipa::path(post, path = "/devices", tag = "devices", request_body = DeviceRegister,
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 201, description = "Registered", body = DeviceView),
        (status = 200, description = "Already registered: renewed", body = DeviceView),
        MalformedJson,
        NotSignedIn,
        (status = 422, description = "Invalid platform or token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register_device(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Json(input): Json<DeviceRegister>,
) -> Result<impl IntoResponse, ApiError> {
    let (platform, token) = input.into_domain()?;
    let registered = app
        .store
        .register_device(user.id, platform, &token, app.now())
        .await?;
    let status = if registered.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        [(
            header::LOCATION,
            format!("/devices/{}", registered.device.id),
        )],
        axum::Json(DeviceView::render(&registered.device)),
    ))
}

/// The signed-in user's devices, oldest first.
#[utoipa::path(get, path = "/devices", tag = "devices",
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The caller's devices", body = Vec<DeviceView>),
        NotSignedIn,
    ))]
pub async fn get_devices(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<axum::Json<Vec<DeviceView>>, ApiError> {
    let devices = app.store.list_devices(user.id).await?;
    Ok(axum::Json(devices.iter().map(DeviceView::render).collect()))
}

/// Stop sending push notifications to one of the caller's devices.
#[utoipa::path(delete, path = "/devices/{id}", tag = "devices",
    params(("id" = i64, Path, description = "Device id", minimum = 1)),
    security(("bearerAuth" = []), ("oauth2" = [])),
    responses(
        (status = 204, description = "Removed"),
        NotSignedIn,
        (status = 404, description = "The caller has no such device", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_device(
    State(app): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    // Another user's device reads as missing: ids of others' devices are not disclosed.
    if !app.store.delete_device(user.id, DeviceId(id)).await? {
        return Err(ApiError::not_found(Missing::Device, id));
    }
    Ok(StatusCode::NO_CONTENT)
}
