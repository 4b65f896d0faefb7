//! Great-circle distances, computed by the database: the haversine formula in SQL, so a
//! search around a point filters, counts, orders and pages in one statement.
//!
//! Both backends run the same expression: PostgreSQL has the trigonometric functions
//! built in, and the bundled SQLite is compiled with `SQLITE_ENABLE_MATH_FUNCTIONS`
//! (`.cargo/config.toml`; the SQLite backend checks at connection time).

use super::{Db, LEAST};
use boxoffice_domain::{EARTH_RADIUS_KM, Near};
use sqlx::QueryBuilder;

/// Pushes the distance in kilometres from `near`'s centre to the event `e`, which must have
/// coordinates: PostgreSQL's `least` skips a NULL, so an event without would come out at
/// half the Earth's circumference rather than NULL.
pub(super) fn push_distance_km(qb: &mut QueryBuilder<'_, Db>, near: &Near) {
    let center = near.center();
    let (lat, lon) = (center.lat().to_radians(), center.lon().to_radians());
    // hav(d/R) = hav(dlat) + cos(lat1) cos(lat2) hav(dlon), with hav(x) = sin^2(x/2);
    // rounding can lift it a hair above 1 for antipodes, where asin is undefined.
    qb.push(format!("(2 * {EARTH_RADIUS_KM} * asin(sqrt({LEAST}(1.0, "))
        .push("power(sin((radians(e.latitude) - ")
        .push_bind(lat)
        .push(") / 2), 2) + ")
        .push_bind(lat.cos())
        .push(" * cos(radians(e.latitude)) * power(sin((radians(e.longitude) - ")
        .push_bind(lon)
        .push(") / 2), 2)))))");
}

/// Pushes `AND <distance> <= radius`: events without coordinates never match.
pub(super) fn push_within(qb: &mut QueryBuilder<'_, Db>, near: &Near) {
    // Both coordinates or neither (`events_point_complete`).
    qb.push(" AND e.latitude IS NOT NULL AND ");
    push_distance_km(qb, near);
    qb.push(" <= ").push_bind(near.radius_km());
}
