-- Webhook endpoints of organizers, and one delivery row per domain event and matching
-- endpoint, with its attempts. The notification service turns every outbox row into its
-- deliveries once (`outbox.webhooks_at`), in one transaction, then sends them.

-- `event_id` has no foreign key on purpose: an endpoint of one event still hears that the
-- event was deleted. `event_types` is a JSON array of kinds; NULL means every kind.
CREATE TABLE webhooks (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id    BIGINT,
    url         TEXT        NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    event_types TEXT,
    description TEXT        CHECK (length(description) <= 500),
    secret      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhooks_owner ON webhooks (owner_id);
CREATE INDEX webhooks_event ON webhooks (event_id) WHERE event_id IS NOT NULL;

-- `message_id` is the domain event's id: one delivery per endpoint and domain event, however
-- often the fan-out runs. `webhook_message_id` is the `webhook-id` header receivers
-- deduplicate by. `claimed_until` keeps other senders off a delivery being sent.
CREATE TABLE webhook_deliveries (
    id                 BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id         BIGINT      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    message_id         TEXT        NOT NULL,
    webhook_message_id TEXT        NOT NULL UNIQUE,
    event_type         TEXT        NOT NULL,
    payload            TEXT        NOT NULL,
    status             TEXT        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts           INTEGER     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_response_code INTEGER,
    last_error         TEXT,
    next_attempt_at    TIMESTAMPTZ,
    claimed_until      TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    delivered_at       TIMESTAMPTZ,
    CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, message_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);

-- Rows written before webhooks existed have nothing to fan out.
ALTER TABLE outbox ADD COLUMN webhooks_at TIMESTAMPTZ;
UPDATE outbox SET webhooks_at = created_at;
CREATE INDEX outbox_webhooks_pending ON outbox (id) WHERE webhooks_at IS NULL;
