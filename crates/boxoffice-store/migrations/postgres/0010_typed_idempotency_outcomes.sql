-- Idempotency records now hold the operation's typed outcome instead of a rendered HTTP
-- answer. Records written before cannot be replayed by the new code, and they are a
-- 24-hour replay cache, not data: they are dropped. A retry of such a request is handled
-- as a new request (a person already booked is answered `already_booked`).
DELETE FROM idempotency_keys;
