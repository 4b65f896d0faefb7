-- Waitlists: a full event's line of people waiting for a seat, first come, first served.
-- A cancellation promotes the first in line in its own transaction: the freed seat goes
-- straight to them, so no seat is ever free while someone waits.
CREATE TABLE waitlist (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    BIGINT      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    attendee_id BIGINT      NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    status      TEXT        NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'promoted', 'left')),
    -- SHA-256 of the token that shows the place in line and lets its holder leave.
    token_hash  TEXT        NOT NULL UNIQUE,
    -- The booking a promotion made.
    booking_id  BIGINT      REFERENCES bookings (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
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
-- needs no migration.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind ~ '^[a-z_]{1,31}\.[a-z_]{1,31}$');
