-- Waitlists: a full event's line of people waiting for a seat, first come, first served.
-- A cancellation promotes the first in line in its own transaction: the freed seat goes
-- straight to them, so no seat is ever free while someone waits.
CREATE TABLE waitlist (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    attendee_id INTEGER NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'promoted', 'left')),
    -- SHA-256 of the token that shows the place in line and lets its holder leave.
    token_hash  TEXT    NOT NULL UNIQUE,
    -- The booking a promotion made.
    booking_id  INTEGER REFERENCES bookings (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
-- One place in line per person and event; those who left or were promoted may queue again.
CREATE UNIQUE INDEX waitlist_one_per_attendee ON waitlist (event_id, attendee_id) WHERE status = 'waiting';
-- The line of an event, in order.
CREATE INDEX waitlist_line ON waitlist (event_id, id) WHERE status = 'waiting';
CREATE INDEX waitlist_attendee ON waitlist (attendee_id);

-- How many wait, kept with the seat counter (changed only together with a waitlist row), so
-- that freeing a seat needs no extra statement when nobody waits.
ALTER TABLE events ADD COLUMN waitlist_size INTEGER NOT NULL DEFAULT 0 CHECK (waitlist_size >= 0);

-- The outbox carries new kinds of domain events (`booking.promoted` first). The kinds are
-- the application's enum; the table checks their shape (`aggregate.action`), so a new kind
-- needs no migration. SQLite cannot change a CHECK in place, so the table is rebuilt with its
-- rows, indexes and id sequence.
CREATE TABLE new_outbox (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id            TEXT    NOT NULL UNIQUE,
    kind                  TEXT    NOT NULL CHECK (length(kind) <= 64 AND kind GLOB '[a-z]*.[a-z]*'
                                                  AND NOT kind GLOB '*[^a-z_.]*'),
    payload               TEXT    NOT NULL,
    created_at            TEXT    NOT NULL,
    claimed_until         TEXT,
    published_at          TEXT,
    routed_at             TEXT,
    routing_claimed_until TEXT,
    routing_attempts      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO new_outbox (id, message_id, kind, payload, created_at, claimed_until, published_at,
                        routed_at, routing_claimed_until, routing_attempts)
    SELECT id, message_id, kind, payload, created_at, claimed_until, published_at,
           routed_at, routing_claimed_until, routing_attempts FROM outbox;
-- Ids of purged rows are never handed out again.
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'outbox'))
    WHERE name = 'new_outbox';
DROP TABLE outbox;
ALTER TABLE new_outbox RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX outbox_unrouted ON outbox (id) WHERE published_at IS NOT NULL AND routed_at IS NULL;
