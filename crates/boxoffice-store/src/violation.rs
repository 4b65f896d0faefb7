//! What `boxoffice check` reports.

/// Rows that break one of the rules `boxoffice check` verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Stable name of the rule, e.g. `seats_booked_matches_bookings`.
    pub rule: &'static str,
    /// The rule in words.
    pub meaning: &'static str,
    /// How many rows break it.
    pub count: usize,
    /// The first few of them, described.
    pub examples: Vec<String>,
}
