//! The committed `openapi/openapi.json` (what SDKs are generated from) must match the code.
//! Regenerate with `scripts/openapi.sh`.
#![allow(clippy::unwrap_used)] // In a test, an unwrap that fails is a failing test.

#[test]
fn committed_openapi_document_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let generated = boxoffice_http::openapi()
        .to_pretty_json()
        .expect("serializable spec")
        + "\n";
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run scripts/openapi.sh and commit the result"
    );
}
