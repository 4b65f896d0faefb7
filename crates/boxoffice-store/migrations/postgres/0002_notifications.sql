-- Notifications, PostgreSQL dialect: the transactional outbox, event subscriptions,
-- and the notification history.

-- Domain events written in the same transaction as the change they describe.
-- The relay publishes them to the broker and only then sets published_at.
CREATE TABLE outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id    TEXT        NOT NULL UNIQUE,
    kind          TEXT        NOT NULL CHECK (kind IN ('event.created', 'event.updated', 'event.deleted',
                                                       'booking.created', 'booking.cancelled')),
    payload       TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    -- A relay that took this row for publishing; others skip it until the lease ends.
    claimed_until TIMESTAMPTZ,
    published_at  TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Users following an event's updates.
CREATE TABLE event_subscriptions (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   BIGINT      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX event_subscriptions_event ON event_subscriptions (event_id, user_id);

-- One row per domain event that was notified; message_id makes recording idempotent.
CREATE TABLE notifications (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id        TEXT        NOT NULL UNIQUE,
    notification_type TEXT        NOT NULL,
    event_id          BIGINT      NOT NULL,
    event_title       TEXT        NOT NULL,
    actor             TEXT,
    -- TRUE: every signed-in user; FALSE: only the users in notification_recipients.
    for_everyone      BOOLEAN     NOT NULL,
    occurred_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX notifications_for_everyone ON notifications (occurred_at) WHERE for_everyone;

CREATE TABLE notification_recipients (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, notification_id)
);
