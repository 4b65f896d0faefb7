//! Error answers that many operations document the same way, written once. Each type is a
//! set of problem+json responses for a `#[utoipa::path]`'s `responses(...)`; an operation
//! whose answer means something more specific keeps its own entry.

use crate::error::Problem;

/// Declares a problem+json response type per line: `Name => status, "description";`.
macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident => $status:tt, $description:tt;)*) => {$(
        $(#[$doc])*
        #[derive(utoipa::IntoResponses)]
        #[response(status = $status, description = $description, content_type = "application/problem+json")]
        // Documentation only: handlers answer with `ApiError`.
        #[allow(dead_code)]
        pub(crate) struct $name(Problem);
    )*};
}

problem_responses! {
    NonNumericId => 400, "Non-numeric id";
    BadParameter => 400, "Bad parameter";
    MalformedJson => 400, "Malformed JSON";
    /// What a booking can be refused for.
    BookingRefused => 400, "`event_full`, `already_booked`, `event_not_bookable` or malformed request";
    SignInRequired => 401, "Not signed in, or the token is invalid or expired";
    NotSignedIn => 401, "Not signed in";
    /// Operations open to a signed-in user or an attendee by token.
    SignInOrAttendeeToken => 401, "Neither signed in nor a valid attendee token";
    /// An attendee's own operations.
    AttendeeTokenRequired => 401, "Missing or unknown token";
    NotAttendeeOrAdmin => 403, "Signed in, but neither the attendee nor an admin";
    EventNotFound => 404, "No such event";
    AttendeeNotFound => 404, "No such attendee for this token";
    InvalidFields => 422, "Invalid fields";
    BadPage => 422, "Bad page or page_size";
    FileStoreUnavailable => 503, "The file store is unavailable";
}

/// An operation only the event's owner or an admin may call: who is asking, and whether
/// the event exists.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Documentation only.
pub(crate) enum OwnerOnly {
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    SignIn(Problem),
    #[response(
        status = 403,
        description = "Signed in, but not the owner or an admin",
        content_type = "application/problem+json"
    )]
    NotOwner(Problem),
    #[response(
        status = 404,
        description = "No such event",
        content_type = "application/problem+json"
    )]
    NoEvent(Problem),
}
