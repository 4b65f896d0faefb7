-- SQLite dialect.
-- Notification channels: who wants what, every delivery attempt, and sign-in links for attendees.

-- A signed-in user's channels and language; a missing row means every channel, in English.
CREATE TABLE user_notification_preferences (
    user_id    INTEGER     PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    websocket  INTEGER     NOT NULL DEFAULT 1 CHECK (websocket IN (0, 1)),
    email      INTEGER     NOT NULL DEFAULT 1 CHECK (email IN (0, 1)),
    push       INTEGER     NOT NULL DEFAULT 1 CHECK (push IN (0, 1)),
    locale     TEXT        CHECK (length(locale) BETWEEN 2 AND 7),
    updated_at TEXT        NOT NULL
);

-- An attendee's channels; their language is attendees.locale.
CREATE TABLE attendee_notification_preferences (
    attendee_id INTEGER     PRIMARY KEY REFERENCES attendees (id) ON DELETE CASCADE,
    websocket   INTEGER     NOT NULL DEFAULT 1 CHECK (websocket IN (0, 1)),
    email       INTEGER     NOT NULL DEFAULT 1 CHECK (email IN (0, 1)),
    push        INTEGER     NOT NULL DEFAULT 1 CHECK (push IN (0, 1)),
    updated_at  TEXT        NOT NULL
);

-- One row per notice, channel and recipient; a retried delivery updates its row.
CREATE TABLE delivery_attempts (
    id         INTEGER PRIMARY KEY,
    -- The domain event's id, or the sign-in link's id.
    message_id TEXT        NOT NULL,
    notice     TEXT        NOT NULL,
    channel    TEXT        NOT NULL CHECK (channel IN ('websocket', 'email', 'push')),
    recipient  TEXT        NOT NULL,
    status     TEXT        NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
    error      TEXT,
    attempts   INTEGER     NOT NULL CHECK (attempts >= 0),
    updated_at TEXT        NOT NULL,
    UNIQUE (message_id, notice, channel, recipient)
);
CREATE INDEX delivery_attempts_updated_at ON delivery_attempts (updated_at);

-- Single-use sign-in links e-mailed to attendees; only a hash of the link's token is kept.
CREATE TABLE magic_links (
    token_hash  TEXT        PRIMARY KEY,
    attendee_id INTEGER     NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    created_at  TEXT        NOT NULL,
    expires_at  TEXT        NOT NULL,
    used_at     TEXT       
);
CREATE INDEX magic_links_expires_at ON magic_links (expires_at);
