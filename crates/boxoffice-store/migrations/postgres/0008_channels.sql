-- Notification channels: who wants what, every delivery attempt, and sign-in links for attendees.

-- A signed-in user's channels and language; a missing row means every channel, in English.
CREATE TABLE user_notification_preferences (
    user_id    BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    websocket  BOOLEAN     NOT NULL DEFAULT TRUE,
    email      BOOLEAN     NOT NULL DEFAULT TRUE,
    push       BOOLEAN     NOT NULL DEFAULT TRUE,
    locale     TEXT        CHECK (length(locale) BETWEEN 2 AND 7),
    updated_at TIMESTAMPTZ NOT NULL
);

-- An attendee's channels; their language is attendees.locale.
CREATE TABLE attendee_notification_preferences (
    attendee_id BIGINT      PRIMARY KEY REFERENCES attendees (id) ON DELETE CASCADE,
    websocket   BOOLEAN     NOT NULL DEFAULT TRUE,
    email       BOOLEAN     NOT NULL DEFAULT TRUE,
    push        BOOLEAN     NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- One row per notice, channel and recipient; a retried delivery updates its row.
CREATE TABLE delivery_attempts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The domain event's id, or the sign-in link's id.
    message_id TEXT        NOT NULL,
    notice     TEXT        NOT NULL,
    channel    TEXT        NOT NULL CHECK (channel IN ('websocket', 'email', 'push')),
    recipient  TEXT        NOT NULL,
    status     TEXT        NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
    error      TEXT,
    attempts   INTEGER     NOT NULL CHECK (attempts >= 0),
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (message_id, notice, channel, recipient)
);
CREATE INDEX delivery_attempts_updated_at ON delivery_attempts (updated_at);

-- Single-use sign-in links e-mailed to attendees; only a hash of the link's token is kept.
CREATE TABLE magic_links (
    token_hash  CHAR(64)    PRIMARY KEY,
    attendee_id BIGINT      NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX magic_links_expires_at ON magic_links (expires_at);
