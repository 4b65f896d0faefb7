//! Reading one uploaded file from a request: `multipart/form-data` (the first part
//! that carries a file, or the part named `file`) or the raw body.
//!
//! The size limit is enforced while reading: a declared `Content-Length` over it is
//! refused before any byte is read, and a body that grows past it is refused as soon
//! as it does, so no more than the limit is ever held in memory.

use crate::error::{ApiError, ErrorCode};
use axum::body::Body;
use axum::http::{HeaderMap, header};
use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};

/// Room for a multipart envelope (boundaries and part headers) on top of the file.
const MULTIPART_OVERHEAD: u64 = 16 * 1024;

/// A file as received: its bytes and the name the client gave it, if any.
#[derive(Debug)]
pub struct Upload {
    pub bytes: Bytes,
    pub file_name: Option<String>,
}

/// 413 with the limit in the message.
pub fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        ErrorCode::AttachmentTooLarge,
        format!("An attachment may have at most {limit} bytes."),
    )
}

fn malformed(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::MalformedUpload, detail)
}

/// Reads the file from `body`, refusing more than `limit` bytes of it.
pub async fn read(
    headers: &HeaderMap,
    body: Body,
    file_name: Option<String>,
    limit: u64,
) -> Result<Upload, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let is_multipart = content_type
        .split(';')
        .next()
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("multipart/form-data"));
    let allowed = if is_multipart {
        limit + MULTIPART_OVERHEAD
    } else {
        limit
    };
    if declared.is_some_and(|length| length > allowed) {
        return Err(too_large(limit));
    }
    let upload = if is_multipart {
        let boundary = multer::parse_boundary(content_type)
            .map_err(|e| malformed(format!("multipart/form-data without a boundary: {e}")))?;
        read_multipart(body, boundary, limit).await?
    } else {
        Upload {
            bytes: collect(
                body.into_data_stream().map(|chunk| {
                    chunk.map_err(|e| malformed(format!("reading the body failed: {e}")))
                }),
                limit,
            )
            .await?,
            file_name,
        }
    };
    if upload.bytes.is_empty() {
        return Err(ApiError::new(
            ErrorCode::EmptyAttachment,
            "The uploaded file has no content.",
        ));
    }
    Ok(upload)
}

async fn read_multipart(body: Body, boundary: String, limit: u64) -> Result<Upload, ApiError> {
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(limit + MULTIPART_OVERHEAD)
            .per_field(limit),
    );
    let mut form =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let multipart_error = |e: multer::Error| match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            too_large(limit)
        }
        other => malformed(format!("unreadable multipart/form-data: {other}")),
    };
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let file_name = field.file_name().map(str::to_owned);
        if file_name.is_none() && field.name() != Some("file") {
            continue;
        }
        let stream = field.map(|chunk| chunk.map_err(multipart_error));
        let bytes = collect(Box::pin(stream), limit).await?;
        return Ok(Upload { bytes, file_name });
    }
    Err(ApiError::new(
        ErrorCode::AttachmentMissing,
        "Send the file as a form part named \"file\" (with a filename).",
    ))
}

/// Gathers a stream of chunks, failing with 413 once it passes `limit`.
async fn collect<S>(mut stream: S, limit: u64) -> Result<Bytes, ApiError>
where
    S: Stream<Item = Result<Bytes, ApiError>> + Unpin,
{
    let mut buffer = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if (buffer.len() + chunk.len()) as u64 > limit {
            return Err(too_large(limit));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}
