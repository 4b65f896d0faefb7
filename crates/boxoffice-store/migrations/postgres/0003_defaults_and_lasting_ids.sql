-- Optional end and capacity, and attendees without e-mail (walk-ins), PostgreSQL dialect.
-- Identity columns never hand out an id twice, so ids need no change here.

-- The end as the organizer gave it; NULL for an event with only a start.
ALTER TABLE events ALTER COLUMN end_time DROP NOT NULL;
-- When the event is over: end_time, or the end of the start's local day.
ALTER TABLE events ADD COLUMN ends_at TIMESTAMPTZ;
UPDATE events SET ends_at = end_time;
ALTER TABLE events ALTER COLUMN ends_at SET NOT NULL;
ALTER TABLE events DROP CONSTRAINT events_ends_after_start;
ALTER TABLE events ADD CONSTRAINT events_ends_after_start CHECK (ends_at > start_time);
ALTER TABLE events ADD CONSTRAINT events_ends_at_given_end CHECK (end_time IS NULL OR ends_at = end_time);
DROP INDEX events_end_time;
CREATE INDEX events_ends_at ON events (ends_at);
DROP INDEX events_owner;
CREATE INDEX events_owner ON events (owner_id, id);

-- NULL: no seat limit. The range check (capacity BETWEEN 1 AND 1000000) passes NULL as it is.
ALTER TABLE events ALTER COLUMN capacity DROP NOT NULL;
ALTER TABLE events DROP CONSTRAINT events_seats_within_capacity;
ALTER TABLE events ADD CONSTRAINT events_seats_within_capacity
    CHECK (seats_booked >= 0 AND (capacity IS NULL OR seats_booked <= capacity));

-- A walk-in booked by name alone has no address and is never merged with anyone;
-- the unique index on lower(email) keeps one record per address (NULLs are distinct).
ALTER TABLE attendees ALTER COLUMN email DROP NOT NULL;
