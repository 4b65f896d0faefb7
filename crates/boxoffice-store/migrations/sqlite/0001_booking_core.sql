-- Boxoffice booking core, SQLite dialect.
-- Times are UTC instants stored as RFC 3339 text (sortable); the application
-- always writes them in UTC, so text order is time order.

-- Accounts of organizers and admins. Attendees need no account.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    username      TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    full_name     TEXT,
    role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    is_verified   INTEGER NOT NULL DEFAULT 0 CHECK (is_verified IN (0, 1)),
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    title          TEXT    NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 100),
    description    TEXT,
    location       TEXT    NOT NULL CHECK (length(trim(location)) >= 1),
    country        TEXT    NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
    timezone       TEXT    NOT NULL,
    start_time     TEXT    NOT NULL,
    end_time       TEXT    NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000000),
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
    CONSTRAINT events_seats_within_capacity CHECK (seats_booked BETWEEN 0 AND capacity),
    CONSTRAINT events_ends_after_start CHECK (end_time > start_time),
    CONSTRAINT events_point_complete CHECK ((longitude IS NULL) = (latitude IS NULL))
);
CREATE INDEX events_start_time ON events (start_time, id);
CREATE INDEX events_end_time ON events (end_time);
CREATE INDEX events_country ON events (country, start_time);
CREATE INDEX events_owner ON events (owner_id);

-- Tags in their own table (first normal form), one row per tag of an event.
CREATE TABLE event_tags (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    tag      TEXT    NOT NULL CHECK (length(tag) BETWEEN 1 AND 50),
    PRIMARY KEY (event_id, tag)
) WITHOUT ROWID;
CREATE INDEX event_tags_tag ON event_tags (tag, event_id);

-- A person who books, identified by e-mail address (case-insensitive).
CREATE TABLE attendees (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    email      TEXT NOT NULL,
    phone      TEXT,
    locale     TEXT NOT NULL DEFAULT 'en',
    -- SHA-256 of the attendee's management token; the token itself is never stored.
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX attendees_email_key ON attendees (lower(email));

CREATE TABLE bookings (
    id                INTEGER PRIMARY KEY,
    event_id          INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    attendee_id       INTEGER NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    status            TEXT    NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    cancel_token_hash TEXT    NOT NULL UNIQUE,
    created_at        TEXT    NOT NULL,
    cancelled_at      TEXT,
    CONSTRAINT bookings_cancelled_at_iff_cancelled CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
-- At most one active booking per attendee and event; cancelled ones may pile up.
CREATE UNIQUE INDEX bookings_one_active_per_attendee ON bookings (event_id, attendee_id) WHERE status = 'confirmed';
CREATE INDEX bookings_attendee ON bookings (attendee_id);
-- Serves the cascade when an event is deleted and listings by event.
CREATE INDEX bookings_event ON bookings (event_id, id);

-- Responses to requests sent with an Idempotency-Key, replayed on repeats.
CREATE TABLE idempotency_keys (
    scope         TEXT    NOT NULL,
    key_hash      TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status_code   INTEGER NOT NULL,
    response_body TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (scope, key_hash)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
