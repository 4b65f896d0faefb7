//! The OpenAPI document: collected from the handlers' annotations.

use utoipa::openapi::security::{
    Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi};

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
    modifiers(&SecuritySchemes),
    servers((url = "http://127.0.0.1:8000", description = "Local server (boxoffice serve)")),
    tags(
        (name = "auth", description = "Accounts: sign up, sign in (JWT bearer tokens, 30 minutes)"),
        (name = "events", description = "Create, find, change and delete events"),
        (name = "attendees", description = "People who book; no account needed"),
        (name = "bookings", description = "Seats: book, read, cancel"),
        (name = "notifications", description = "WebSocket notifications and live seats, history, subscriptions"),
        (name = "ops", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

/// `bearerAuth` (paste a token) and `oauth2` (Swagger UI's sign-in form, via `/auth/token`).
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::new([Flow::Password(Password::new(
                "/auth/token",
                Scopes::new(),
            ))])),
        );
    }
}

/// Every operation that reads or writes the database may answer 503 `database_unavailable`
/// (with `Retry-After`) while the database is down. Applied once the routes are collected.
pub(crate) fn document_database_unavailable(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, header::HeaderBuilder};
    let response = ResponseBuilder::new()
        .description("The database is unreachable; retry after `Retry-After` seconds")
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(utoipa::openapi::schema::Object::with_type(
                    utoipa::openapi::schema::Type::Integer,
                ))
                .description(Some("Seconds to wait before retrying"))
                .build(),
        )
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    for (path, item) in openapi.paths.paths.iter_mut() {
        if matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics") {
            continue;
        }
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            operation
                .responses
                .responses
                .entry("503".to_owned())
                .or_insert_with(|| response.clone().into());
        }
    }
}
