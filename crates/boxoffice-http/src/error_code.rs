//! Every `code` the API answers with, and the status and title that go with it.
//!
//! The JSON `code` strings are part of the contract: clients branch on them. docs/api.md
//! lists them in its error table; a test holds the two together.

use axum::http::StatusCode;

/// Declares the codes once: variant, wire code, status, title.
macro_rules! error_codes {
    ($($variant:ident => $code:literal, $status:ident, $title:literal;)+) => {
        /// A stable problem code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)+
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The snake_case code clients see.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            pub fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status,)+
                }
            }

            /// The problem's `title`: the same for every occurrence of the code.
            pub fn title(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $title,)+
                }
            }
        }
    };
}

error_codes! {
    MalformedJson => "malformed_json", BAD_REQUEST, "Bad request";
    UnreadableBody => "unreadable_body", BAD_REQUEST, "Bad request";
    InvalidPathParameter => "invalid_path_parameter", BAD_REQUEST, "Bad request";
    InvalidQuery => "invalid_query", BAD_REQUEST, "Bad request";
    InvalidTimezone => "invalid_timezone", BAD_REQUEST, "Bad request";
    InvalidIdempotencyKey => "invalid_idempotency_key", BAD_REQUEST, "Bad request";
    EventFull => "event_full", BAD_REQUEST, "Event is fully booked";
    AlreadyBooked => "already_booked", BAD_REQUEST, "Attendee already booked this event";
    EventNotBookable => "event_not_bookable", BAD_REQUEST, "Event is not bookable";
    SeatsAvailable => "seats_available", CONFLICT, "Seats are available";
    AlreadyWaitlisted => "already_waitlisted", CONFLICT, "Attendee is already on the waitlist";
    HoldExpired => "hold_expired", GONE, "Hold expired";
    InvalidForm => "invalid_form", BAD_REQUEST, "Bad request";
    UnsupportedGrantType => "unsupported_grant_type", BAD_REQUEST, "Bad request";
    AuthenticationRequired => "authentication_required", UNAUTHORIZED, "Authentication required";
    InvalidToken => "invalid_token", UNAUTHORIZED, "Invalid access token";
    TokenExpired => "token_expired", UNAUTHORIZED, "Invalid access token";
    InvalidCredentials => "invalid_credentials", UNAUTHORIZED, "Invalid credentials";
    Forbidden => "forbidden", FORBIDDEN, "Forbidden";
    EventNotFound => "event_not_found", NOT_FOUND, "Not found";
    AttendeeNotFound => "attendee_not_found", NOT_FOUND, "Not found";
    BookingNotFound => "booking_not_found", NOT_FOUND, "Not found";
    DeviceNotFound => "device_not_found", NOT_FOUND, "Not found";
    WaitlistEntryNotFound => "waitlist_entry_not_found", NOT_FOUND, "Not found";
    HoldNotFound => "hold_not_found", NOT_FOUND, "Not found";
    WebhookNotFound => "webhook_not_found", NOT_FOUND, "Not found";
    WebhookDeliveryNotFound => "webhook_delivery_not_found", NOT_FOUND, "Not found";
    MagicLinkInvalid => "magic_link_invalid", UNAUTHORIZED, "Invalid sign-in link";
    EmailUnavailable => "email_unavailable", SERVICE_UNAVAILABLE, "E-mail unavailable";
    RouteNotFound => "route_not_found", NOT_FOUND, "Not found";
    MethodNotAllowed => "method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed";
    EmailTaken => "email_taken", CONFLICT, "Conflict";
    UsernameTaken => "username_taken", CONFLICT, "Conflict";
    PayloadTooLarge => "payload_too_large", PAYLOAD_TOO_LARGE, "Payload too large";
    UnsupportedMediaType => "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "Unsupported media type";
    ValidationFailed => "validation_failed", UNPROCESSABLE_ENTITY, "Request validation failed";
    InvalidText => "invalid_text", UNPROCESSABLE_ENTITY, "Request validation failed";
    IdempotencyKeyReused => "idempotency_key_reused", UNPROCESSABLE_ENTITY, "Idempotency key reused";
    RateLimited => "rate_limited", TOO_MANY_REQUESTS, "Too many requests";
    RateLimitUnavailable => "rate_limit_unavailable", SERVICE_UNAVAILABLE, "Service unavailable";
    HeadersTooLarge => "headers_too_large", REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header fields too large";
    TooManyHeaders => "too_many_headers", REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many request header fields";
    DatabaseContended => "database_contended", SERVICE_UNAVAILABLE, "Service busy";
    DatabaseUnavailable => "database_unavailable", SERVICE_UNAVAILABLE, "Service unavailable";
    MalformedUpload => "malformed_upload", BAD_REQUEST, "Bad request";
    AttachmentNotFound => "attachment_not_found", NOT_FOUND, "Not found";
    AttachmentTooLarge => "attachment_too_large", PAYLOAD_TOO_LARGE, "Attachment too large";
    UnsupportedAttachmentType => "unsupported_attachment_type", UNSUPPORTED_MEDIA_TYPE, "Unsupported attachment type";
    EmptyAttachment => "empty_attachment", UNPROCESSABLE_ENTITY, "Empty attachment";
    AttachmentMissing => "attachment_missing", UNPROCESSABLE_ENTITY, "No file in the form";
    FileStorageUnavailable => "file_storage_unavailable", SERVICE_UNAVAILABLE, "File storage unavailable";
    WebAppNotBuilt => "web_app_not_built", NOT_FOUND, "Web app not built";
    InvalidTicket => "invalid_ticket", UNPROCESSABLE_ENTITY, "Invalid ticket";
    TicketForAnotherEvent => "ticket_for_another_event", UNPROCESSABLE_ENTITY, "Ticket for another event";
    TicketCancelled => "ticket_cancelled", CONFLICT, "Ticket cancelled";
    AlreadyCheckedIn => "already_checked_in", CONFLICT, "Already checked in";
    UserNotFound => "user_not_found", NOT_FOUND, "Not found";
    UpgradeRequired => "upgrade_required", UPGRADE_REQUIRED, "Upgrade required";
    InternalError => "internal_error", INTERNAL_SERVER_ERROR, "Internal server error";
}

/// Compares with the wire code, as clients see it.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, code: &&str) -> bool {
        self.as_str() == *code
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use std::collections::BTreeMap;

    /// The rows of docs/api.md's error table: code and status.
    fn documented() -> BTreeMap<String, u16> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md");
        let doc = std::fs::read_to_string(path).expect("docs/api.md");
        let table = doc
            .split("| `code` | Status | When |")
            .nth(1)
            .expect("the error table of docs/api.md");
        table
            .lines()
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells[1].trim_matches('`').to_owned();
                let status = cells[2]
                    .parse()
                    .unwrap_or_else(|_| panic!("status of {line}"));
                (code, status)
            })
            .collect()
    }

    #[test]
    fn docs_list_every_code_with_its_status_and_nothing_else() {
        let documented = documented();
        let codes: BTreeMap<String, u16> = ErrorCode::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), c.status().as_u16()))
            .collect();
        assert_eq!(documented, codes);
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{text}"
            );
        }
    }
}
