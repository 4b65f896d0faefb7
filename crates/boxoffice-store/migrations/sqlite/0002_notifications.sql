-- Notifications, SQLite dialect: the transactional outbox, event subscriptions,
-- and the notification history.

-- Domain events written in the same transaction as the change they describe.
-- The relay publishes them to the broker and only then sets published_at.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    message_id    TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL CHECK (kind IN ('event.created', 'event.updated', 'event.deleted',
                                                   'booking.created', 'booking.cancelled')),
    payload       TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    -- A relay that took this row for publishing; others skip it until the lease ends.
    claimed_until TEXT,
    published_at  TEXT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Users following an event's updates.
CREATE TABLE event_subscriptions (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, event_id)
) WITHOUT ROWID;
CREATE INDEX event_subscriptions_event ON event_subscriptions (event_id, user_id);

-- One row per domain event that was notified; message_id makes recording idempotent.
CREATE TABLE notifications (
    id                INTEGER PRIMARY KEY,
    message_id        TEXT    NOT NULL UNIQUE,
    notification_type TEXT    NOT NULL,
    event_id          INTEGER NOT NULL,
    event_title       TEXT    NOT NULL,
    actor             TEXT,
    -- 1: every signed-in user; 0: only the users in notification_recipients.
    for_everyone      INTEGER NOT NULL CHECK (for_everyone IN (0, 1)),
    occurred_at       TEXT    NOT NULL
);
CREATE INDEX notifications_for_everyone ON notifications (occurred_at) WHERE for_everyone = 1;

CREATE TABLE notification_recipients (
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, notification_id)
) WITHOUT ROWID;
