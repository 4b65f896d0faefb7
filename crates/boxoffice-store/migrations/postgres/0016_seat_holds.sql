-- Seat holds: seats set aside for a few minutes while a person completes their details.
-- A held seat is counted in events.seats_booked like a booked one (so it counts against the
-- capacity everywhere without another rule); events.seats_held says how many of those are
-- holds. Converting a held seat into a booking leaves seats_booked as it is; a hold that
-- expires gives its seats back the way a cancellation does (to the waitlist first).
CREATE TABLE seat_holds (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   BIGINT      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- Seats still held; a hold used up or expired is deleted.
    seats      INTEGER     NOT NULL CHECK (seats BETWEEN 0 AND 10),
    -- SHA-256 of the token that books a held seat, shows the hold or releases it.
    token_hash TEXT        NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX seat_holds_expiry ON seat_holds (expires_at);
CREATE INDEX seat_holds_event ON seat_holds (event_id);

ALTER TABLE events ADD COLUMN seats_held INTEGER NOT NULL DEFAULT 0 CHECK (seats_held >= 0);
