//! Event attachments over HTTP, on SQLite and PostgreSQL, with a local folder and
//! with S3 (a `moto_server` named by `BOXOFFICE_TEST_S3_ENDPOINT`): upload, replace,
//! download, remove, limits, sniffing, and who may do what.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

use boxoffice_testkit::{
    Files, Options, TestApp, event_body, expect_problem, expect_status, on_every_store,
};
use reqwest::header::HeaderMap;
use reqwest::{Method, Response, multipart};
use serde_json::json;

on_every_store!(
    an_organizer_attaches_a_pdf_and_anyone_downloads_it,
    a_raw_upload_replaces_the_file_and_its_object,
    removing_the_file_falls_back_to_the_typed_link,
    deleting_the_event_removes_its_file,
    a_file_over_the_limit_is_refused_without_storing_anything,
    a_renamed_executable_and_an_empty_file_are_refused,
    only_the_owner_or_an_admin_may_attach_or_remove,
);

/// The size limit of these tests.
const LIMIT: u64 = 64 * 1024;

fn options(files: Files) -> Options {
    Options {
        files,
        attachment_max_bytes: LIMIT,
        ..Options::default()
    }
}

/// A small but well-formed PDF.
fn pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

fn path(event: i64) -> String {
    format!("/events/{event}/attachment")
}

async fn upload_form(
    app: &TestApp,
    token: &str,
    event: i64,
    name: &str,
    bytes: Vec<u8>,
    mime: &str,
) -> Response {
    let part = multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap();
    app.session(token)
        .request(Method::PUT, &path(event))
        .multipart(multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("PUT multipart")
}

async fn upload_raw(
    app: &TestApp,
    token: &str,
    event: i64,
    name: &str,
    bytes: Vec<u8>,
) -> Response {
    app.session(token)
        .request(Method::PUT, &path(event))
        .query(&[("filename", name)])
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("PUT raw")
}

/// Downloads like a browser: local stores answer 200, S3 a 307 to a pre-signed URL.
async fn download(app: &TestApp, event: i64) -> (HeaderMap, Vec<u8>) {
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects
        .get(app.url(&path(event)))
        .send()
        .await
        .unwrap();
    let response = match app.files.kind {
        Files::Local => response,
        Files::S3 => {
            assert_eq!(response.status(), 307, "S3 downloads are redirects");
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(location.contains("X-Amz-Signature="), "{location}");
            assert!(location.contains("X-Amz-Expires=60"), "{location}");
            reqwest::get(&location).await.unwrap()
        }
    };
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

/// Keys stored for an event.
async fn stored(app: &TestApp, event: i64) -> Vec<String> {
    app.files
        .store
        .list(&format!("events/{event}"))
        .await
        .unwrap()
}

async fn an_organizer_attaches_a_pdf_and_anyone_downloads_it(app: TestApp) {
    let event = app.create_event(10).await;
    let mut ws = app.ws(Some(&app.organizer_token)).await;
    let bytes = pdf("agenda");
    let name = "Agenda d'été; v2.pdf";
    let response = upload_form(
        &app,
        &app.organizer_token,
        event,
        name,
        bytes.clone(),
        "application/pdf",
    )
    .await;
    let location = response.headers().get("location").cloned();
    let file = expect_status(response, 201).await;
    assert_eq!(location.unwrap(), path(event).as_str());
    assert_eq!(file["file_name"], name);
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["size"], bytes.len());
    assert_eq!(file["sha256"], boxoffice_domain::sha256_hex(&bytes));
    assert_eq!(file["download_url"], path(event));

    // `event.created` may still be on its way; `event.updated` follows it.
    let mut frame = ws.next_of_type("notification").await;
    if frame["notification_type"] == "event.created" {
        frame = ws.next_of_type("notification").await;
    }
    assert_eq!(frame["notification_type"], "event.updated");
    assert_eq!(frame["event"]["id"], event.to_string());

    let shown = expect_status(app.get(&format!("/events/{event}")).await, 200).await;
    assert_eq!(shown["attachment_url"], path(event));
    assert_eq!(shown["attachment"]["file_name"], file["file_name"]);

    // An attendee needs no account to download.
    let (headers, body) = download(&app, event).await;
    assert_eq!(body, bytes);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Agenda d'_t_ v2.pdf\"; \
         filename*=UTF-8''Agenda%20d%27%C3%A9t%C3%A9%3B%20v2.pdf"
    );
    if app.files.kind == Files::Local {
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
    assert_eq!(stored(&app, event).await.len(), 1);
}

async fn a_raw_upload_replaces_the_file_and_its_object(app: TestApp) {
    let event = app.create_event(10).await;
    let first = upload_form(
        &app,
        &app.organizer_token,
        event,
        "a.pdf",
        pdf("one"),
        "application/pdf",
    )
    .await;
    expect_status(first, 201).await;
    let before = stored(&app, event).await;

    let text = "Doors open at 18:00.\nBring your ticket — or your phone.\n"
        .as_bytes()
        .to_vec();
    // The name says PDF; the bytes say text, and the bytes decide.
    let replaced = expect_status(
        upload_raw(
            &app,
            &app.organizer_token,
            event,
            "../notes\r\nSet-Cookie: x=1.pdf",
            text.clone(),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(replaced["content_type"], "text/plain; charset=utf-8");
    assert_eq!(replaced["file_name"], "notesSet-Cookie: x=1.pdf");

    let after = stored(&app, event).await;
    assert_eq!(after.len(), 1, "the replaced object is removed: {after:?}");
    assert_ne!(after, before);
    let (headers, body) = download(&app, event).await;
    assert_eq!(body, text);
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    // A name cannot inject headers.
    assert!(headers.get("set-cookie").is_none());
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"notesSet-Cookie: x=1.pdf\"; filename*=UTF-8''notesSet-Cookie%3A%20x%3D1.pdf"
    );
}

async fn removing_the_file_falls_back_to_the_typed_link(app: TestApp) {
    let mut body = event_body("With a link", 5);
    body["attachment_url"] = json!("https://example.com/agenda.html");
    let created = expect_status(app.organizer().post("/events", &body).await, 201).await;
    let event = created["id"].as_i64().unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01".to_vec();
    expect_status(
        upload_raw(&app, &app.organizer_token, event, "map.png", png).await,
        201,
    )
    .await;
    let shown = expect_status(app.get(&format!("/events/{event}")).await, 200).await;
    assert_eq!(shown["attachment_url"], path(event));
    assert_eq!(shown["attachment"]["content_type"], "image/png");

    expect_status(app.organizer().delete(&path(event)).await, 204).await;
    let shown = expect_status(app.get(&format!("/events/{event}")).await, 200).await;
    assert_eq!(shown["attachment_url"], "https://example.com/agenda.html");
    assert_eq!(shown["attachment"], serde_json::Value::Null);
    assert!(stored(&app, event).await.is_empty());
    expect_problem(app.get(&path(event)).await, 404, "attachment_not_found").await;
    // Removing again changes nothing.
    expect_status(app.organizer().delete(&path(event)).await, 204).await;
}

async fn deleting_the_event_removes_its_file(app: TestApp) {
    let event = app.create_event(10).await;
    let response = upload_form(
        &app,
        &app.organizer_token,
        event,
        "a.pdf",
        pdf("x"),
        "application/pdf",
    )
    .await;
    expect_status(response, 201).await;
    assert_eq!(stored(&app, event).await.len(), 1);
    expect_status(
        app.organizer().delete(&format!("/events/{event}")).await,
        204,
    )
    .await;
    assert!(stored(&app, event).await.is_empty());
    expect_problem(app.get(&path(event)).await, 404, "event_not_found").await;
}

async fn a_file_over_the_limit_is_refused_without_storing_anything(app: TestApp) {
    let event = app.create_event(10).await;
    let mut big = pdf("big");
    big.resize(LIMIT as usize + 1, b' ');
    let token = &app.organizer_token;
    let form = upload_form(
        &app,
        token,
        event,
        "big.pdf",
        big.clone(),
        "application/pdf",
    )
    .await;
    expect_problem(form, 413, "attachment_too_large").await;
    expect_problem(
        upload_raw(&app, token, event, "big.pdf", big.clone()).await,
        413,
        "attachment_too_large",
    )
    .await;
    // Without a Content-Length the limit is enforced while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(8 * 1024).map(|c| Ok(c.to_vec())).collect();
    let streamed = app
        .session(token)
        .request(Method::PUT, &path(event))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    expect_problem(streamed, 413, "attachment_too_large").await;
    assert!(stored(&app, event).await.is_empty());
    let shown = expect_status(app.get(&format!("/events/{event}")).await, 200).await;
    assert_eq!(shown["attachment"], serde_json::Value::Null);

    // Exactly at the limit is fine.
    big.truncate(LIMIT as usize);
    expect_status(upload_raw(&app, token, event, "big.pdf", big).await, 201).await;
}

async fn a_renamed_executable_and_an_empty_file_are_refused(app: TestApp) {
    let event = app.create_event(10).await;
    let token = &app.organizer_token;
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 512));
    let renamed = upload_form(
        &app,
        token,
        event,
        "agenda.pdf",
        elf.clone(),
        "application/pdf",
    )
    .await;
    expect_problem(renamed, 415, "unsupported_attachment_type").await;
    let windows = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    expect_problem(
        upload_raw(&app, token, event, "photo.jpg", windows).await,
        415,
        "unsupported_attachment_type",
    )
    .await;
    expect_problem(
        upload_raw(&app, token, event, "empty.txt", Vec::new()).await,
        422,
        "empty_attachment",
    )
    .await;
    let no_file = app
        .session(token)
        .request(Method::PUT, &path(event))
        .multipart(multipart::Form::new().text("note", "no file here"))
        .send()
        .await
        .unwrap();
    expect_problem(no_file, 422, "attachment_missing").await;
    assert!(stored(&app, event).await.is_empty());
}

async fn only_the_owner_or_an_admin_may_attach_or_remove(app: TestApp) {
    let event = app.create_event(10).await;
    let stranger = app.sign_up("stranger").await;
    let refused = upload_form(&app, &stranger, event, "a.pdf", pdf("s"), "application/pdf").await;
    expect_problem(refused, 403, "forbidden").await;
    let anonymous = app
        .request(Method::PUT, &path(event))
        .body(pdf("anonymous"))
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, 401, "authentication_required").await;
    let tampered = format!("{}x", app.organizer_token);
    let forged = upload_raw(&app, &tampered, event, "a.pdf", pdf("forged")).await;
    expect_problem(forged, 401, "invalid_token").await;
    assert!(stored(&app, event).await.is_empty());

    let admin = app.admin_token().await;
    expect_status(
        upload_raw(&app, &admin, event, "a.pdf", pdf("admin")).await,
        201,
    )
    .await;
    expect_problem(
        app.session(&stranger).delete(&path(event)).await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(
        app.delete(&path(event)).await,
        401,
        "authentication_required",
    )
    .await;
    assert_eq!(download(&app, event).await.1, pdf("admin"));

    let unknown = upload_raw(&app, &app.organizer_token, 987_654, "a.pdf", pdf("u")).await;
    expect_problem(unknown, 404, "event_not_found").await;
    expect_problem(app.get(&path(987_654)).await, 404, "event_not_found").await;
    expect_problem(
        app.organizer().delete(&path(987_654)).await,
        404,
        "event_not_found",
    )
    .await;
    expect_problem(
        app.get("/events/abc/attachment").await,
        400,
        "invalid_path_parameter",
    )
    .await;
}
