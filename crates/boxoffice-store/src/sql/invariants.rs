//! The SQL of `boxoffice check`, compiled for each backend like the rest of `sql/`:
//! read-only queries that find rows breaking the rules the schema and the
//! booking code are meant to keep.

use super::Pools;
use crate::{StoreError, Violation};
use chrono::{DateTime, Utc};

/// Rows listed per rule at most; the count is always complete.
const SHOWN: usize = 20;

/// One rule: its name, what it means, and a query returning one text per offending row.
struct Rule {
    name: &'static str,
    meaning: &'static str,
    sql: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        name: "seats_booked_matches_bookings",
        meaning: "an event's seats_booked equals its confirmed bookings plus its held seats",
        sql: "SELECT 'event ' || e.id || ': seats_booked ' || e.seats_booked || ', confirmed bookings ' || \
              (SELECT count(*) FROM bookings b WHERE b.event_id = e.id AND b.status = 'confirmed') || \
              ', held ' || e.seats_held \
              FROM events e WHERE e.seats_booked <> e.seats_held + \
              (SELECT count(*) FROM bookings b WHERE b.event_id = e.id AND b.status = 'confirmed') ORDER BY e.id",
    },
    Rule {
        name: "seats_held_matches_holds",
        meaning: "an event's seats_held equals the seats of its holds",
        sql: "SELECT 'event ' || e.id || ': seats_held ' || e.seats_held || ', in holds ' || \
              (SELECT coalesce(sum(h.seats), 0) FROM seat_holds h WHERE h.event_id = e.id) \
              FROM events e WHERE e.seats_held <> \
              (SELECT coalesce(sum(h.seats), 0) FROM seat_holds h WHERE h.event_id = e.id) ORDER BY e.id",
    },
    Rule {
        name: "seats_within_capacity",
        meaning: "no event has more seats booked than its capacity, or fewer than none",
        sql: "SELECT 'event ' || id || ': seats_booked ' || seats_booked || ' of capacity ' || capacity \
              FROM events WHERE seats_booked > capacity OR seats_booked < 0 ORDER BY id",
    },
    Rule {
        name: "one_active_booking_per_attendee",
        meaning: "an attendee holds at most one confirmed booking per event",
        sql: "SELECT 'event ' || event_id || ', attendee ' || attendee_id || ': ' || count(*) || ' confirmed bookings' \
              FROM bookings WHERE status = 'confirmed' GROUP BY event_id, attendee_id HAVING count(*) > 1 \
              ORDER BY event_id, attendee_id",
    },
    Rule {
        name: "waitlist_size_matches_line",
        meaning: "an event's waitlist_size equals the people waiting in its line",
        sql: "SELECT 'event ' || e.id || ': waitlist_size ' || e.waitlist_size || ', waiting ' || \
              (SELECT count(*) FROM waitlist w WHERE w.event_id = e.id AND w.status = 'waiting') \
              FROM events e WHERE e.waitlist_size <> \
              (SELECT count(*) FROM waitlist w WHERE w.event_id = e.id AND w.status = 'waiting') ORDER BY e.id",
    },
    Rule {
        name: "no_free_seat_while_someone_waits",
        meaning: "nobody waits for an open event that has a free seat",
        sql: "SELECT 'event ' || id || ': ' || waitlist_size || ' waiting, seats_booked ' || seats_booked || \
              ' of capacity ' || coalesce(capacity, 0) FROM events WHERE waitlist_size > 0 \
              AND status = 'scheduled' AND (capacity IS NULL OR seats_booked < capacity) ORDER BY id",
    },
    Rule {
        name: "nobody_waits_holding_a_seat",
        meaning: "a person waiting for an event holds no confirmed booking of it",
        sql: "SELECT 'event ' || w.event_id || ', attendee ' || w.attendee_id || ': waiting and booked' \
              FROM waitlist w JOIN bookings b ON b.event_id = w.event_id AND b.attendee_id = w.attendee_id \
              AND b.status = 'confirmed' WHERE w.status = 'waiting' ORDER BY w.event_id, w.attendee_id",
    },
    Rule {
        name: "bookings_have_event_and_attendee",
        meaning: "every booking's event and attendee exist",
        sql: "SELECT 'booking ' || b.id || ': event ' || b.event_id || ', attendee ' || b.attendee_id \
              FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = b.event_id) \
              OR NOT EXISTS (SELECT 1 FROM attendees a WHERE a.id = b.attendee_id) ORDER BY b.id",
    },
    Rule {
        name: "tags_and_subscriptions_have_event",
        meaning: "every tag and subscription belongs to an existing event (and user)",
        sql: "SELECT 'tag ' || t.tag || ' of event ' || t.event_id FROM event_tags t \
              WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = t.event_id) \
              UNION ALL SELECT 'subscription of user ' || s.user_id || ' to event ' || s.event_id \
              FROM event_subscriptions s WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = s.event_id) \
              OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)",
    },
    Rule {
        name: "recipients_have_notification",
        meaning: "every notification recipient row points at a notification and a user",
        sql: "SELECT 'recipient ' || r.user_id || ' of notification ' || r.notification_id \
              FROM notification_recipients r \
              WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.id = r.notification_id) \
              OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = r.user_id)",
    },
];

/// Published outbox rows older than the cut-off with no notification-history row.
const UNDELIVERED: &str = "SELECT 'outbox ' || o.id || ' (' || o.kind || ', message ' || o.message_id || ')' \
     FROM outbox o WHERE o.published_at IS NOT NULL AND o.published_at < $1 \
     AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.message_id = o.message_id) ORDER BY o.id";

impl Pools {
    /// Every rule's violations; `delivered_before`: also check that outbox rows published
    /// before this instant reached the notification history.
    pub(crate) async fn check_invariants(
        &self,
        delivered_before: Option<DateTime<Utc>>,
    ) -> Result<Vec<Violation>, StoreError> {
        let mut violations = Vec::new();
        for rule in RULES {
            let rows: Vec<String> = sqlx::query_scalar(rule.sql)
                .fetch_all(self.reader())
                .await?;
            violations.extend(violation(rule.name, rule.meaning, rows));
        }
        if let Some(cutoff) = delivered_before {
            let rows: Vec<String> = sqlx::query_scalar(UNDELIVERED)
                .bind(cutoff)
                .fetch_all(self.reader())
                .await?;
            violations.extend(violation(
                "published_outbox_rows_delivered",
                "every published domain event is in the notification history",
                rows,
            ));
        }
        Ok(violations)
    }
}

fn violation(rule: &'static str, meaning: &'static str, rows: Vec<String>) -> Option<Violation> {
    (!rows.is_empty()).then(|| Violation {
        rule,
        meaning,
        count: rows.len(),
        examples: rows.into_iter().take(SHOWN).collect(),
    })
}
