//! The OpenAPI document: collected from the handlers' annotations.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Boxoffice",
        description = "Event booking API: events, attendees and bookings that never overbook.\n\n\
            Errors are RFC 9457 `application/problem+json` with a stable `code`. Lists are paginated \
            (`page`, `page_size`). Times are RFC 3339 with an offset, rendered in `?tz=` / `X-Timezone` \
            or else in each event's own zone.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "http://127.0.0.1:8000", description = "Local server (boxoffice serve)")),
    tags(
        (name = "events", description = "Create, find, change and delete events"),
        (name = "attendees", description = "People who book; no account needed"),
        (name = "bookings", description = "Seats: book, read, cancel"),
        (name = "ops", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;
