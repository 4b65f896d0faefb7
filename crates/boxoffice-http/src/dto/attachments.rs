//! Attachment responses, and the upload form as the OpenAPI document describes it.

use boxoffice_domain::{Attachment, EventId, Zone};
use serde::Serialize;
use utoipa::ToSchema;

/// Where an event's uploaded file is downloaded (relative to the API's base URL).
pub fn download_path(event: EventId) -> String {
    format!("/events/{event}/attachment")
}

/// The file attached to an event.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "file_name": "agenda.pdf", "content_type": "application/pdf", "size": 48213,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uploaded_at": "2027-02-01T10:00:00+05:30", "download_url": "/events/42/attachment"}))]
pub struct AttachmentView {
    /// The uploader's file name, without directories or control characters.
    pub file_name: String,
    /// Decided from the file's bytes: `application/pdf`, `image/png`, `image/jpeg`,
    /// `image/webp` or `text/plain; charset=utf-8`.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    pub uploaded_at: String,
    /// `GET` this path to download the file.
    pub download_url: String,
}

impl AttachmentView {
    pub fn render(event: EventId, file: &Attachment, zone: Zone) -> Self {
        AttachmentView {
            file_name: file.file_name.as_str().to_owned(),
            content_type: file.kind.content_type().to_owned(),
            size: file.size,
            sha256: file.sha256.clone(),
            uploaded_at: zone.format(file.uploaded_at),
            download_url: download_path(event),
        }
    }
}

/// A file's bytes.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Only describes bodies in the OpenAPI document.
pub struct FileBytes(Vec<u8>);

/// `multipart/form-data` upload: one file part (named `file` by convention).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Only describes the form in the OpenAPI document.
pub struct AttachmentUpload {
    /// The file. Its type is decided from its bytes, not from its name or declared type.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}
