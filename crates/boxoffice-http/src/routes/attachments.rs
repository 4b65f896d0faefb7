//! `/events/{id}/attachment`: upload, download and remove an event's file.
//!
//! An upload is stored under a fresh key first; only then does the database
//! point at it, and an object the database never took is removed again. The
//! file an upload replaces (or a removal forgets) is deleted after the commit.

use crate::access::Caller;
use crate::dto::{AttachmentUpload, AttachmentView, FileBytes, download_path};
use crate::error::{ApiError, ErrorCode, Missing, Problem};
use crate::extract::{Path, Query, RenderZone};
use crate::openapi::responses::{FileStoreUnavailable, NonNumericId, OwnerOnly};
use crate::routes::events::owned_event;
use crate::state::{AppState, Attachments};
use crate::upload;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_domain::{Attachment, AttachmentKind, EventId, FileName, sha256_hex};
use boxoffice_files::{Download, FileError, FileHeaders};
use boxoffice_usecases as usecases;
use serde::Deserialize;
use utoipa::IntoParams;

/// Options of an upload.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, for a raw (non-multipart) body; a multipart part's own filename wins.
    pub filename: Option<String>,
    /// Render times in this IANA zone.
    pub tz: Option<String>,
}

fn store_of(app: &AppState) -> Result<&Attachments, ApiError> {
    app.attachments.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::FileStorageUnavailable,
            "This server keeps no files.",
        )
    })
}

fn storage_failed(err: FileError) -> ApiError {
    tracing::error!(error = %err, "file storage failure");
    ApiError::new(
        ErrorCode::FileStorageUnavailable,
        "The file store did not answer; try again later.",
    )
}

fn no_attachment(id: i64) -> ApiError {
    ApiError::new(
        ErrorCode::AttachmentNotFound,
        format!("event {id} has no attachment"),
    )
}

fn unsupported_type() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedAttachmentType,
        "Attach a PDF, PNG, JPEG or WebP image, or plain UTF-8 text. \
         The type is read from the file's content, not from its name.",
    )
}

/// Removes an object nobody points at any more; a failure only leaves an orphan, so it is logged.
async fn discard(attachments: &Attachments, key: &str) {
    if let Err(err) = attachments.files.delete(key).await {
        tracing::warn!(key, error = %err, "could not remove a stored file");
    }
}

/// Removes every stored file of a deleted event (also one uploaded while it was being deleted).
pub(crate) async fn remove_event_files(app: &AppState, id: EventId) {
    if let Some(attachments) = &app.attachments
        && let Err(err) = attachments
            .files
            .delete_prefix(&format!("events/{id}"))
            .await
    {
        tracing::warn!(event.id = %id, error = %err, "could not remove a deleted event's files");
    }
}

/// Attach a file to an event, replacing any earlier one.
///
/// Send the file as `multipart/form-data` (a part named `file`) or as the raw body
/// (name it with `?filename=`). Its type is decided from its first bytes: PDF, PNG,
/// JPEG, WebP or plain UTF-8 text; anything else is refused with 415. The event's
/// `attachment_url` then points at the download.
#[utoipa::path(put, path = "/events/{id}/attachment", tag = "events",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1), UploadQuery),
    request_body(description = "The file", content(
        (AttachmentUpload = "multipart/form-data"),
        (FileBytes = "application/octet-stream"),
    )),
    responses(
        (status = 200, description = "Attached, replacing the earlier file", body = AttachmentView),
        (status = 201, description = "Attached", body = AttachmentView),
        (status = 400, description = "Malformed request or multipart body", body = Problem, content_type = "application/problem+json"),
        OwnerOnly,
        (status = 413, description = "File over the size limit (`attachment_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not an accepted kind of file (`unsupported_attachment_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty file, or no file in the form", body = Problem, content_type = "application/problem+json"),
        FileStoreUnavailable,
    ))]
pub async fn put_event_attachment(
    State(app): State<AppState>,
    caller: Caller,
    zone: RenderZone,
    Path(id): Path<i64>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let attachments = store_of(&app)?;
    let id = EventId(id);
    owned_event(&app, &caller, id).await?;
    let upload = match upload::read(&headers, body, query.filename, attachments.max_bytes).await {
        Ok(upload) => upload,
        Err(refused) if refused.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            // The rest of the body is never read: the connection cannot carry another request.
            let mut response = refused.into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return Ok(response);
        }
        Err(other) => return Err(other),
    };
    let kind = AttachmentKind::sniff(&upload.bytes).ok_or_else(unsupported_type)?;
    let now = app.now();
    let file = Attachment {
        key: format!("events/{id}/{}", uuid::Uuid::new_v4().simple()),
        file_name: FileName::clean(upload.file_name.as_deref(), kind),
        kind,
        size: upload.bytes.len() as i64,
        sha256: sha256_hex(&upload.bytes),
        uploaded_at: now,
    };
    let disposition = file.file_name.content_disposition();
    let file_headers = FileHeaders {
        content_type: kind.content_type(),
        content_disposition: &disposition,
    };
    attachments
        .files
        .put(&file.key, upload.bytes, file_headers)
        .await
        .map_err(storage_failed)?;
    let actor = caller.user.as_ref().map(|u| u.username.as_str());
    let change = match usecases::events::set_attachment(&app.store, id, &file, actor, now).await {
        Ok(Some(change)) => change,
        failed => {
            discard(attachments, &file.key).await;
            return Err(match failed {
                Err(err) => err.into(),
                _ => ApiError::not_found(Missing::Event, id),
            });
        }
    };
    if let Some(old) = &change.replaced {
        discard(attachments, &old.key).await;
    }
    tracing::info!(event.id = %id, size = file.size, content_type = kind.content_type(), "attachment stored");
    let status = if change.replaced.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let view = AttachmentView::render(id, &file, zone.or(change.event.content.zone));
    Ok((
        status,
        [(header::LOCATION, download_path(id))],
        axum::Json(view),
    )
        .into_response())
}

/// Download an event's file.
///
/// From a local store the file itself (`200`); from S3 a redirect (`307`) to a
/// pre-signed URL valid for a short time. Either way it comes with its sniffed
/// `Content-Type` and `Content-Disposition: attachment` carrying the original name.
#[utoipa::path(get, path = "/events/{id}/attachment", tag = "events",
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "application/pdf"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"),
            (FileBytes = "image/webp"), (FileBytes = "text/plain"),
        ), headers(("Content-Disposition" = String, description = "`attachment` with the file's name"))),
        (status = 307, description = "Download it from the `Location` URL (valid for a short time)",
            headers(("Location" = String, description = "Pre-signed URL"))),
        NonNumericId,
        (status = 404, description = "No such event, or it has no file (`attachment_not_found`)", body = Problem, content_type = "application/problem+json"),
        FileStoreUnavailable,
    ))]
pub async fn get_event_attachment(
    State(app): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let attachments = store_of(&app)?;
    let event = app
        .store
        .get_event(EventId(id))
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))?;
    let file = event.attachment.ok_or_else(|| no_attachment(id))?;
    let disposition = file.file_name.content_disposition();
    let file_headers = FileHeaders {
        content_type: file.kind.content_type(),
        content_disposition: &disposition,
    };
    let download = match attachments.files.download(&file.key, file_headers).await {
        Ok(download) => download,
        Err(FileError::NotFound(key)) => {
            tracing::error!(
                event.id = id,
                key,
                "an attached file is missing from the store"
            );
            return Err(no_attachment(id));
        }
        Err(err) => return Err(storage_failed(err)),
    };
    let header_value = |text: &str| HeaderValue::from_str(text).map_err(|_| ApiError::internal());
    Ok(match download {
        Download::Redirect(url) => (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, header_value(&url)?)],
        )
            .into_response(),
        Download::Stream { size, body } => (
            [
                (
                    header::CONTENT_TYPE,
                    header_value(file.kind.content_type())?,
                ),
                (header::CONTENT_LENGTH, HeaderValue::from(size)),
                (header::CONTENT_DISPOSITION, header_value(&disposition)?),
                (header::ETAG, header_value(&format!("\"{}\"", file.sha256))?),
            ],
            Body::from_stream(body),
        )
            .into_response(),
    })
}

/// Remove an event's file.
///
/// The event's `attachment_url` falls back to the link given as `attachment_url`, if any.
/// Removing a file that is not there changes nothing and also answers 204.
#[utoipa::path(delete, path = "/events/{id}/attachment", tag = "events",
    security(("bearerAuth" = []), ("oauth2" = [])),
    params(("id" = i64, Path, description = "Event id", minimum = 1)),
    responses(
        (status = 204, description = "Removed (or there was none)"),
        NonNumericId,
        OwnerOnly,
        FileStoreUnavailable,
    ))]
pub async fn delete_event_attachment(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let attachments = store_of(&app)?;
    let id = EventId(id);
    owned_event(&app, &caller, id).await?;
    let actor = caller.user.as_ref().map(|u| u.username.as_str());
    let change = usecases::events::remove_attachment(&app.store, id, actor, app.now())
        .await?
        .ok_or_else(|| ApiError::not_found(Missing::Event, id))?;
    if let Some(old) = &change.replaced {
        discard(attachments, &old.key).await;
        tracing::info!(event.id = %id, "attachment removed");
    }
    Ok(StatusCode::NO_CONTENT)
}
