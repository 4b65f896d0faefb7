-- Optional end and capacity, attendees without e-mail (walk-ins), and ids that are
-- never handed out twice (AUTOINCREMENT), SQLite dialect.
--
-- SQLite cannot change a column or a constraint in place, so each table whose ids are
-- exposed is rebuilt as SQLite documents it (create the new table, copy, drop the old,
-- rename the new, recreate its indexes), in the migration's one transaction. Migrations
-- run on a connection with foreign keys off, or dropping a parent table would cascade
-- into its children; the application runs PRAGMA foreign_key_check afterwards.
-- Copying rows with their ids primes sqlite_sequence with each table's highest id.

CREATE TABLE new_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL,
    username      TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    full_name     TEXT,
    role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    is_verified   INTEGER NOT NULL DEFAULT 0 CHECK (is_verified IN (0, 1)),
    created_at    TEXT    NOT NULL
);
INSERT INTO new_users (id, email, username, password_hash, full_name, role, is_verified, created_at)
    SELECT id, email, username, password_hash, full_name, role, is_verified, created_at FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE new_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 100),
    description    TEXT,
    location       TEXT    NOT NULL CHECK (length(trim(location)) >= 1),
    country        TEXT    NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
    timezone       TEXT    NOT NULL,
    start_time     TEXT    NOT NULL,
    -- The end as the organizer gave it; NULL for an event with only a start.
    end_time       TEXT,
    -- When the event is over: end_time, or the end of the start's local day.
    ends_at        TEXT    NOT NULL,
    -- NULL: no seat limit.
    capacity       INTEGER CHECK (capacity BETWEEN 1 AND 1000000),
    -- Seats held by confirmed bookings; changed only together with a booking row.
    seats_booked   INTEGER NOT NULL DEFAULT 0,
    status         TEXT    NOT NULL DEFAULT 'scheduled'
                           CHECK (status IN ('scheduled', 'canceled', 'completed')),
    longitude      REAL    CHECK (longitude BETWEEN -180 AND 180),
    latitude       REAL    CHECK (latitude BETWEEN -90 AND 90),
    attachment_url TEXT,
    owner_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CONSTRAINT events_seats_within_capacity
        CHECK (seats_booked >= 0 AND (capacity IS NULL OR seats_booked <= capacity)),
    CONSTRAINT events_ends_after_start CHECK (ends_at > start_time),
    CONSTRAINT events_ends_at_given_end CHECK (end_time IS NULL OR ends_at = end_time),
    CONSTRAINT events_point_complete CHECK ((longitude IS NULL) = (latitude IS NULL))
);
INSERT INTO new_events (id, title, description, location, country, timezone, start_time, end_time,
                        ends_at, capacity, seats_booked, status, longitude, latitude, attachment_url,
                        owner_id, created_at, updated_at)
    SELECT id, title, description, location, country, timezone, start_time, end_time,
           end_time, capacity, seats_booked, status, longitude, latitude, attachment_url,
           owner_id, created_at, updated_at FROM events;
DROP TABLE events;
ALTER TABLE new_events RENAME TO events;
CREATE INDEX events_start_time ON events (start_time, id);
CREATE INDEX events_ends_at ON events (ends_at);
CREATE INDEX events_country ON events (country, start_time);
CREATE INDEX events_owner ON events (owner_id, id);

-- A person who books. Identified by e-mail address (case-insensitive) when there is
-- one; a walk-in booked by name alone has none and is never merged with anyone.
CREATE TABLE new_attendees (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    email      TEXT,
    phone      TEXT,
    locale     TEXT NOT NULL DEFAULT 'en',
    -- SHA-256 of the attendee's management token; the token itself is never stored.
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO new_attendees (id, name, email, phone, locale, token_hash, created_at, updated_at)
    SELECT id, name, email, phone, locale, token_hash, created_at, updated_at FROM attendees;
DROP TABLE attendees;
ALTER TABLE new_attendees RENAME TO attendees;
-- NULLs are distinct in a unique index: any number of walk-ins, one record per address.
CREATE UNIQUE INDEX attendees_email_key ON attendees (lower(email));

CREATE TABLE new_bookings (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id          INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    attendee_id       INTEGER NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    status            TEXT    NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    cancel_token_hash TEXT    NOT NULL UNIQUE,
    created_at        TEXT    NOT NULL,
    cancelled_at      TEXT,
    CONSTRAINT bookings_cancelled_at_iff_cancelled CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
INSERT INTO new_bookings (id, event_id, attendee_id, status, cancel_token_hash, created_at, cancelled_at)
    SELECT id, event_id, attendee_id, status, cancel_token_hash, created_at, cancelled_at FROM bookings;
DROP TABLE bookings;
ALTER TABLE new_bookings RENAME TO bookings;
CREATE UNIQUE INDEX bookings_one_active_per_attendee ON bookings (event_id, attendee_id) WHERE status = 'confirmed';
CREATE INDEX bookings_attendee ON bookings (attendee_id);
CREATE INDEX bookings_event ON bookings (event_id, id);

CREATE TABLE new_outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id    TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL CHECK (kind IN ('event.created', 'event.updated', 'event.deleted',
                                                   'booking.created', 'booking.cancelled')),
    payload       TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    claimed_until TEXT,
    published_at  TEXT
);
INSERT INTO new_outbox (id, message_id, kind, payload, created_at, claimed_until, published_at)
    SELECT id, message_id, kind, payload, created_at, claimed_until, published_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE new_outbox RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE new_notifications (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id        TEXT    NOT NULL UNIQUE,
    notification_type TEXT    NOT NULL,
    event_id          INTEGER NOT NULL,
    event_title       TEXT    NOT NULL,
    actor             TEXT,
    for_everyone      INTEGER NOT NULL CHECK (for_everyone IN (0, 1)),
    occurred_at       TEXT    NOT NULL
);
INSERT INTO new_notifications (id, message_id, notification_type, event_id, event_title, actor,
                               for_everyone, occurred_at)
    SELECT id, message_id, notification_type, event_id, event_title, actor, for_everyone, occurred_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE new_notifications RENAME TO notifications;
CREATE INDEX notifications_for_everyone ON notifications (occurred_at) WHERE for_everyone = 1;
