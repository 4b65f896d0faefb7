//! The `/api` dialect: its own paths and shapes over the same use cases.
//!
//! Each handler parses the dialect's body, calls the function the main API's handler calls
//! (`routes::events::create`, `routes::bookings::book_for_attendee`, ...), and renders the
//! result in the dialect's shape: no rule lives here. Lists are bare JSON arrays; `page` and
//! `page_size` work as in the main API and the total goes in `X-Total-Count`.

pub mod events;
pub mod people;

use crate::error::ApiError;
use axum::http::{HeaderName, HeaderValue};
use boxoffice_domain::Page;

/// The header carrying a bare list's total across pages.
pub const TOTAL_COUNT: HeaderName = HeaderName::from_static("x-total-count");

/// A bare JSON array of one page, its total in `X-Total-Count`.
fn bare_list<T, V: serde::Serialize>(
    page: Page<T>,
    render: impl Fn(&T) -> V,
) -> ([(HeaderName, HeaderValue); 1], axum::Json<Vec<V>>) {
    let items = page.items.iter().map(render).collect();
    (
        [(TOTAL_COUNT, HeaderValue::from(page.total))],
        axum::Json(items),
    )
}

/// Errors name the fields as this dialect spells them.
fn in_dialect(error: ApiError) -> ApiError {
    error.rename_fields(crate::dto::dialect_field)
}
