-- Deliveries (e-mail, push) on the embedded broker are routed from the outbox by a loop of
-- their own, so a slow mail server never holds back publishing (WebSocket frames, history).
-- A message is routed once its deliveries are recorded; RabbitMQ keeps its own durable
-- deliveries queue, so there a message counts as routed when it is published.
ALTER TABLE outbox ADD COLUMN routed_at TEXT;
ALTER TABLE outbox ADD COLUMN routing_claimed_until TEXT;
ALTER TABLE outbox ADD COLUMN routing_attempts INTEGER NOT NULL DEFAULT 0;
-- Until now a message was published only after its deliveries were done.
UPDATE outbox SET routed_at = published_at WHERE published_at IS NOT NULL;
CREATE INDEX outbox_unrouted ON outbox (id) WHERE published_at IS NOT NULL AND routed_at IS NULL;
