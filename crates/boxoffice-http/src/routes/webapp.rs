//! `/app/`: the web app, as Vite builds it into `web/dist`, embedded in the binary.
//!
//! - Files are compiled in by `rust-embed` in release builds (debug builds read `web/dist`
//!   from disk, so a fresh `npm run build` shows without recompiling).
//! - A path under `/app/` that names no file and has no extension gets `index.html`: the
//!   app routes on the client (`/app/events/7`). A missing file with an extension
//!   (`/app/assets/gone.js`) is a 404 problem, never HTML.
//! - Vite's hashed files under `assets/` are cached for a year (`immutable`); everything
//!   else is revalidated (`no-cache`) with an `ETag`.
//! - Built without `web/dist`, the binary still works: `/app/` then answers 404 with a
//!   short page (or, to non-browsers, the problem `web_app_not_built`) telling how to build it.
//! - `GET /` sends browsers (those that accept `text/html`) to `/app/`; other clients get
//!   the usual `route_not_found` problem.
//!
//! The routes are not part of the OpenAPI document. Their `Content-Security-Policy` is
//! [`CONTENT_SECURITY_POLICY`], set by the security headers middleware.

use crate::error::{ApiError, ErrorCode};
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rust_embed::RustEmbed;
use std::borrow::Cow;

/// Where the app is mounted (Vite's `base` is `/app/`).
pub const PREFIX: &str = "/app";

/// The policy of the app's responses: its own scripts, styles, images and fonts, API calls
/// and WebSocket connections to this server only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' ws: wss:; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Dist;

/// True for the paths this module serves under [`PREFIX`].
pub fn is_app_path(path: &str) -> bool {
    path == PREFIX
        || path
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `GET /`, `GET /app`, `GET /app/` and `GET /app/{*path}`.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(root))
        .route(PREFIX, get(app))
        .route("/app/", get(app))
        .route("/app/{*path}", get(app))
}

async fn root(headers: HeaderMap) -> Response {
    if accepts_html(&headers) {
        Redirect::to("/app/").into_response()
    } else {
        ApiError::new(
            ErrorCode::RouteNotFound,
            "No route for / (the web app is at /app/, the API is described at /openapi.json)",
        )
        .into_response()
    }
}

async fn app(uri: Uri, headers: HeaderMap) -> Response {
    respond(uri.path(), &headers, embedded)
}

/// One file of the app, from wherever it is kept.
#[derive(Debug)]
struct File {
    bytes: Cow<'static, [u8]>,
    content_type: String,
    etag: String,
}

fn embedded(path: &str) -> Option<File> {
    let file = Dist::get(path)?;
    Some(File {
        content_type: with_charset(file.metadata.mimetype()),
        etag: etag(&file.metadata.sha256_hash()),
        bytes: file.data,
    })
}

/// Text types are UTF-8 (Vite writes nothing else).
fn with_charset(mime: &str) -> String {
    let textual = mime.starts_with("text/")
        || matches!(
            mime,
            "application/javascript" | "application/json" | "image/svg+xml"
        );
    if textual && !mime.contains("charset") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    }
}

fn etag(hash: &[u8]) -> String {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{}\"", &hex[..32])
}

/// The response for `path` (a request path under [`PREFIX`]), with files from `lookup`.
fn respond(path: &str, headers: &HeaderMap, lookup: impl Fn(&str) -> Option<File>) -> Response {
    let relative = path
        .strip_prefix(PREFIX)
        .unwrap_or(path)
        .trim_start_matches('/');
    let unsafe_path = relative
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
        || relative.contains('\\');
    if !relative.is_empty()
        && !unsafe_path
        && let Some(file) = lookup(relative)
    {
        let cache = if relative.starts_with("assets/") {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        return file_response(file, cache, headers);
    }
    let last = relative.rsplit('/').next().unwrap_or_default();
    if unsafe_path || last.contains('.') {
        return no_store(
            ApiError::new(
                ErrorCode::RouteNotFound,
                format!("No file {path} in the web app"),
            )
            .into_response(),
        );
    }
    match lookup("index.html") {
        Some(index) => file_response(index, REVALIDATE, headers),
        None => not_built(headers),
    }
}

fn file_response(file: File, cache: &'static str, request: &HeaderMap) -> Response {
    let etag = HeaderValue::from_str(&file.etag).ok();
    let fresh = match (&etag, request.get(header::IF_NONE_MATCH)) {
        (Some(etag), Some(sent)) => sent
            .to_str()
            .map(|sent| {
                sent.split(',')
                    .any(|tag| tag.trim() == etag.to_str().unwrap_or_default())
            })
            .unwrap_or(false),
        _ => false,
    };
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = file.bytes.into_owned().into_response();
        if let Ok(value) = HeaderValue::from_str(&file.content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(etag) = etag {
        headers.insert(header::ETAG, etag);
    }
    response
}

const NOT_BUILT_PAGE: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>Boxoffice: web app not built</title></head>
<body><main><h1>The web app is not built</h1>
<p>This Boxoffice binary was compiled without the web app. Build it, then the binary:</p>
<pre>npm --prefix web ci
npm --prefix web run build
cargo build --release -p boxoffice</pre>
<p>The API works without it: see <a href=\"/docs\">/docs</a>.</p></main></body></html>
";

fn not_built(headers: &HeaderMap) -> Response {
    let response = if accepts_html(headers) {
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            NOT_BUILT_PAGE,
        )
            .into_response()
    } else {
        ApiError::new(
            ErrorCode::WebAppNotBuilt,
            "This binary was built without web/dist: run npm run build in web/, then cargo build.",
        )
        .into_response()
    };
    no_store(response)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;
    use axum::http::Request;
    use tower::ServiceExt;

    fn files(path: &str) -> Option<File> {
        let (bytes, content_type): (&'static [u8], &str) = match path {
            "index.html" => (b"<!doctype html><div id=root></div>", "text/html"),
            "assets/index-abc123.js" => (b"console.log(1)", "text/javascript"),
            "favicon.svg" => (b"<svg/>", "image/svg+xml"),
            _ => return None,
        };
        Some(File {
            bytes: Cow::Borrowed(bytes),
            content_type: content_type.to_owned(),
            etag: etag(path.as_bytes().repeat(32).as_slice()),
        })
    }

    fn nothing(_: &str) -> Option<File> {
        None
    }

    fn html() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        headers
    }

    async fn body(response: Response) -> String {
        String::from_utf8(
            to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap()
    }

    fn header_of(response: &Response, name: header::HeaderName) -> &str {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn hashed_assets_are_immutable_with_their_content_type() {
        let response = respond("/app/assets/index-abc123.js", &HeaderMap::new(), files);
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header_of(&response, header::CONTENT_TYPE),
            "text/javascript"
        );
        assert_eq!(header_of(&response, header::CACHE_CONTROL), IMMUTABLE);
        assert!(header_of(&response, header::ETAG).starts_with('"'));
        assert_eq!(body(response).await, "console.log(1)");
    }

    #[tokio::test]
    async fn other_files_are_revalidated() {
        let response = respond("/app/favicon.svg", &HeaderMap::new(), files);
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "image/svg+xml");
        assert_eq!(header_of(&response, header::CACHE_CONTROL), REVALIDATE);
    }

    #[tokio::test]
    async fn client_side_routes_get_the_index() {
        for path in [
            "/app",
            "/app/",
            "/app/events/7",
            "/app/organizer/events/3/edit",
        ] {
            let response = respond(path, &html(), files);
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(header_of(&response, header::CONTENT_TYPE), "text/html");
            assert_eq!(header_of(&response, header::CACHE_CONTROL), REVALIDATE);
            assert!(body(response).await.contains("id=root"));
        }
    }

    #[tokio::test]
    async fn missing_files_are_404_problems_not_html() {
        for path in [
            "/app/assets/gone-123.js",
            "/app/robots.txt",
            "/app/../Cargo.toml",
            "/app/assets/../index.html",
        ] {
            let response = respond(path, &html(), files);
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert_eq!(
                header_of(&response, header::CONTENT_TYPE),
                "application/problem+json"
            );
            assert!(body(response).await.contains("route_not_found"));
        }
    }

    #[tokio::test]
    async fn matching_etag_is_not_modified() {
        let first = respond("/app/assets/index-abc123.js", &HeaderMap::new(), files);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            first.headers().get(header::ETAG).unwrap().clone(),
        );
        let again = respond("/app/assets/index-abc123.js", &headers, files);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(body(again).await.is_empty());
    }

    #[tokio::test]
    async fn without_a_build_browsers_get_a_page_and_clients_a_problem() {
        let page = respond("/app/", &html(), nothing);
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        assert!(header_of(&page, header::CONTENT_TYPE).starts_with("text/html"));
        assert!(body(page).await.contains("npm --prefix web run build"));

        let problem = respond("/app/events/3", &HeaderMap::new(), nothing);
        assert_eq!(problem.status(), StatusCode::NOT_FOUND);
        assert!(body(problem).await.contains("web_app_not_built"));
    }

    #[tokio::test]
    async fn root_redirects_browsers_only() {
        let app = router::<()>();
        let browser = app
            .clone()
            .oneshot(
                Request::get("/")
                    .header(header::ACCEPT, "text/html")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert!(browser.status().is_redirection());
        assert_eq!(header_of(&browser, header::LOCATION), "/app/");

        let client = app
            .oneshot(Request::get("/").body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(client.status(), StatusCode::NOT_FOUND);
        assert!(body(client).await.contains("route_not_found"));
    }

    #[test]
    fn text_types_say_utf8() {
        assert_eq!(with_charset("text/html"), "text/html; charset=utf-8");
        assert_eq!(
            with_charset("text/javascript"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(with_charset("image/png"), "image/png");
    }

    #[test]
    fn app_paths() {
        assert!(is_app_path("/app"));
        assert!(is_app_path("/app/"));
        assert!(is_app_path("/app/assets/x.js"));
        assert!(!is_app_path("/apple"));
        assert!(!is_app_path("/events"));
    }
}
