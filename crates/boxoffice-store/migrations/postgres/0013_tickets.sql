-- Door staff and check-ins. A ticket code is signed, not stored: it names its booking.
--
-- Door staff: registered users an event's owner lets admit people at the door.
CREATE TABLE event_staff (
    event_id   BIGINT      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_staff_user ON event_staff (user_id);

-- One row per admitted booking: the primary key is what admits a ticket exactly once,
-- however many door devices scan it at the same moment.
CREATE TABLE check_ins (
    booking_id    BIGINT      PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    event_id      BIGINT      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- Who scanned it; kept (as NULL) if that account is deleted later.
    checked_in_by BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    checked_in_at TIMESTAMPTZ NOT NULL
);
-- Listings and counts by event, in admission order.
CREATE INDEX check_ins_event ON check_ins (event_id, checked_in_at, booking_id);
