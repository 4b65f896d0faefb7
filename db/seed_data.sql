-- Sample data: a few upcoming events, attendees and bookings.
-- Runs on SQLite and PostgreSQL alike, and is safe to load twice: each row
-- is inserted only if it is not there yet. Times are UTC instants.

INSERT INTO events (title, description, location, country, timezone, start_time, end_time, ends_at, capacity, seats_booked, status, longitude, latitude, created_at, updated_at)
SELECT 'RustConf India', 'Two days of Rust talks and workshops.', 'Bengaluru', 'IN', 'Asia/Kolkata',
       '2027-02-12T03:30:00+00:00', '2027-02-13T12:30:00+00:00', '2027-02-13T12:30:00+00:00', 300, 2, 'scheduled', 77.5946, 12.9716,
       '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00'
WHERE NOT EXISTS (SELECT 1 FROM events WHERE title = 'RustConf India');

INSERT INTO events (title, description, location, country, timezone, start_time, end_time, ends_at, capacity, seats_booked, status, created_at, updated_at)
SELECT 'Symfony Conference', 'Learn about Symfony', 'Paris', 'FR', 'Europe/Paris',
       '2027-05-01T08:00:00+00:00', '2027-05-01T16:00:00+00:00', '2027-05-01T16:00:00+00:00', 100, 1, 'scheduled',
       '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00'
WHERE NOT EXISTS (SELECT 1 FROM events WHERE title = 'Symfony Conference');

INSERT INTO events (title, description, location, country, timezone, start_time, end_time, ends_at, capacity, seats_booked, status, created_at, updated_at)
SELECT 'Event A', 'Five seats only: try booking a sixth.', 'Pune', 'IN', 'Asia/Kolkata',
       '2027-01-20T12:30:00+00:00', '2027-01-20T15:30:00+00:00', '2027-01-20T15:30:00+00:00', 5, 0, 'scheduled',
       '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00'
WHERE NOT EXISTS (SELECT 1 FROM events WHERE title = 'Event A');

INSERT INTO events (title, description, location, country, timezone, start_time, end_time, ends_at, capacity, seats_booked, status, created_at, updated_at)
SELECT 'Jazz Night', 'An evening of live jazz.', 'New York', 'US', 'America/New_York',
       '2027-03-06T00:00:00+00:00', '2027-03-06T04:00:00+00:00', '2027-03-06T04:00:00+00:00', 80, 0, 'scheduled',
       '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00'
WHERE NOT EXISTS (SELECT 1 FROM events WHERE title = 'Jazz Night');

INSERT INTO event_tags (event_id, tag)
SELECT e.id, t.tag FROM events e
JOIN (SELECT 'RustConf India' AS title, 'rust' AS tag
      UNION ALL SELECT 'RustConf India', 'conference'
      UNION ALL SELECT 'Symfony Conference', 'php'
      UNION ALL SELECT 'Symfony Conference', 'conference'
      UNION ALL SELECT 'Jazz Night', 'music') t ON t.title = e.title
WHERE NOT EXISTS (SELECT 1 FROM event_tags x WHERE x.event_id = e.id AND x.tag = t.tag);

-- Token hashes below are placeholders that no presented token hashes to:
-- these attendees can be seen and booked for, not managed.
INSERT INTO attendees (name, email, locale, token_hash, created_at, updated_at)
SELECT 'John Doe', 'john@example.com', 'en', 'seed-attendee-john', '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00'
WHERE NOT EXISTS (SELECT 1 FROM attendees WHERE lower(email) = 'john@example.com');

INSERT INTO attendees (name, email, locale, token_hash, created_at, updated_at)
SELECT 'Asha Rao', 'asha@example.com', 'en-IN', 'seed-attendee-asha', '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00'
WHERE NOT EXISTS (SELECT 1 FROM attendees WHERE lower(email) = 'asha@example.com');

-- Bookings match the seats_booked counts above: RustConf 2, Symfony 1.
INSERT INTO bookings (event_id, attendee_id, status, cancel_token_hash, created_at)
SELECT e.id, a.id, 'confirmed', 'seed-booking-' || e.id || '-' || a.id, '2026-11-02T00:00:00+00:00'
FROM events e JOIN attendees a ON (e.title = 'RustConf India' AND a.email IN ('john@example.com', 'asha@example.com')) OR (e.title = 'Symfony Conference' AND a.email = 'john@example.com')
WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.event_id = e.id AND b.attendee_id = a.id);
