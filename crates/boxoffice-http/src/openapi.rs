//! The OpenAPI document: collected from the handlers' annotations.

use utoipa::openapi::security::{
    Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
};
use utoipa::openapi::{
    ContentBuilder, HttpMethod, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder,
};
use utoipa::{Modify, OpenApi};

pub(crate) mod responses;

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
        (name = "door", description = "Tickets at the door: door staff, check-ins"),
        (name = "devices", description = "Phones and tablets that receive push notifications (APNs, FCM)"),
        (name = "notifications", description = "WebSocket notifications and live seats, history, subscriptions"),
        (name = "webhooks", description = "Signed HTTP callbacks to organizers' integrations (Standard Webhooks), their delivery log and replays"),
        (name = "ops", description = "Health and metrics"),
        (name = "internal", description = "Between Boxoffice's own services, with a service token; not for clients"),
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

/// `?tz=`, shared by every operation that renders times.
// Documentation only: `RenderZone` reads the value.
#[allow(dead_code)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TimeZoneParam {
    /// Render times in this IANA zone
    tz: Option<String>,
}

/// `Idempotency-Key`, shared by the operations that honour it.
// Documentation only: `MaybeIdempotencyKey` reads the value.
#[allow(dead_code)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub(crate) struct IdempotencyKeyParam {
    /// Repeat-safe key: a repeat returns the first response
    #[param(rename = "Idempotency-Key")]
    idempotency_key: Option<String>,
}

/// Everything added to the collected annotations, in order: aliases, the answers every
/// operation can give, and bounds of shared parameters.
pub(crate) fn complete(doc: &mut Document) {
    document_aliases(doc);
    document_database_unavailable(doc);
    document_shared_responses(doc);
}

/// An operation served a second way by the same handler; the document lists it as its own
/// operation (with its own id and summary, which clients name methods after).
struct Alias {
    method: HttpMethod,
    path: &'static str,
    of_method: HttpMethod,
    of_path: &'static str,
    operation_id: &'static str,
    summary: &'static str,
    description: Option<&'static str>,
}

const ALIASES: [Alias; 2] = [
    Alias {
        method: HttpMethod::Put,
        path: "/events/{id}",
        of_method: HttpMethod::Patch,
        of_path: "/events/{id}",
        operation_id: "update_event",
        summary: "Change an event.",
        description: Some("Same as PATCH: a partial body is accepted."),
    },
    Alias {
        method: HttpMethod::Post,
        path: "/events/{id}/register",
        of_method: HttpMethod::Post,
        of_path: "/events/{id}/book",
        operation_id: "register_for_event",
        summary: "Register for an event; the same as booking a seat.",
        description: None,
    },
];

fn operation_mut<'a>(
    item: &'a mut utoipa::openapi::PathItem,
    method: &HttpMethod,
) -> Option<&'a mut utoipa::openapi::path::Operation> {
    match method {
        HttpMethod::Get => item.get.as_mut(),
        HttpMethod::Post => item.post.as_mut(),
        HttpMethod::Put => item.put.as_mut(),
        HttpMethod::Patch => item.patch.as_mut(),
        HttpMethod::Delete => item.delete.as_mut(),
        _ => None,
    }
}

fn document_aliases(doc: &mut Document) {
    for alias in &ALIASES {
        let Some(original) = doc
            .paths
            .paths
            .get_mut(alias.of_path)
            .and_then(|item| operation_mut(item, &alias.of_method))
        else {
            continue; // The service that owns it does not run in this process.
        };
        let mut operation = original.clone();
        operation.operation_id = Some(alias.operation_id.to_owned());
        operation.summary = Some(alias.summary.to_owned());
        operation.description = alias.description.map(str::to_owned);
        let item = doc.paths.paths.entry(alias.path.to_owned()).or_default();
        match alias.method {
            HttpMethod::Put => item.put = Some(operation),
            HttpMethod::Post => item.post = Some(operation),
            _ => unreachable!("aliases are PUT or POST"),
        }
    }
}

/// A problem+json response with `description`.
fn problem(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", content)
        .build()
        .into()
}

/// Answers that every API operation can give, whatever its handler does: they come from
/// the extractors and middleware shared by all. Each operation lists them unless its own
/// annotation already describes that status more precisely.
fn document_shared_responses(doc: &mut Document) {
    for item in doc.paths.paths.values_mut() {
        for method in [
            HttpMethod::Get,
            HttpMethod::Post,
            HttpMethod::Put,
            HttpMethod::Patch,
            HttpMethod::Delete,
        ] {
            let Some(operation) = operation_mut(item, &method) else {
                continue;
            };
            if operation
                .tags
                .as_ref()
                .is_some_and(|tags| tags.iter().any(|t| t == "ops"))
            {
                continue;
            }
            let has_body = operation.request_body.is_some();
            let has_query = operation.parameters.as_ref().is_some_and(|params| {
                params
                    .iter()
                    .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
            });
            let mut shared = vec![
                (
                    "400",
                    "Malformed request: a non-numeric id, an unreadable query, header or body, or an unknown time zone",
                ),
                (
                    "401",
                    "A bearer token was sent and is invalid or expired (or its account is gone), or a needed credential is missing",
                ),
                (
                    "429",
                    "`rate_limited`: too many requests from this address; see `Retry-After`",
                ),
                (
                    "431",
                    "`headers_too_large`: the request headers are too large",
                ),
                (
                    "503",
                    "The database is unavailable or too contended; see `Retry-After`",
                ),
            ];
            if has_body {
                shared.push((
                    "413",
                    "`payload_too_large`: the body exceeds the size limit",
                ));
                shared.push((
                    "415",
                    "`unsupported_media_type`: the body is not of the documented type",
                ));
            }
            if has_body || has_query {
                shared.push((
                    "422",
                    "`validation_failed`: invalid fields, each named in `errors`",
                ));
            }
            for parameter in operation.parameters.iter_mut().flatten() {
                if let Some(schema) = parameter_schema(&parameter.name) {
                    parameter.schema = Some(schema);
                }
            }
            let responses = &mut operation.responses.responses;
            for (status, description) in shared {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// The bounds of parameters that many operations share, stated once.
fn parameter_schema(name: &str) -> Option<RefOr<utoipa::openapi::schema::Schema>> {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let integer = |min: f64, max: f64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(min))
            .maximum(Some(max))
    };
    let text = |min: usize, max: usize, pattern: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(min))
            .max_length(Some(max))
            .pattern(Some(pattern))
    };
    let schema = match name {
        "page" => integer(1.0, 1_000_000.0).default(Some(1.into())),
        "page_size" => integer(1.0, 100.0).default(Some(20.into())),
        // An IANA zone name such as `Europe/Paris` or `UTC`.
        "tz" => text(1, 64, r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"),
        // Visible ASCII, as header values are.
        "Idempotency-Key" => text(1, 255, r"^[!-~]([ -~]*[!-~])?$"),
        _ => return None,
    };
    Some(schema.into())
}

/// Every operation that reads or writes the database may answer 503 `database_unavailable`
/// (with `Retry-After`) while the database is down. Applied once the routes are collected.
fn document_database_unavailable(openapi: &mut utoipa::openapi::OpenApi) {
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
