-- Mobile devices registered for push, and which notification process holds whose
-- WebSocket connections.

-- A device token belongs to one device, so to one user at a time: registering a known token
-- again (after a sign-in to another account on the same phone) moves it.
CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform     TEXT    NOT NULL CHECK (platform IN ('ios', 'android')),
    token        TEXT    NOT NULL UNIQUE CHECK (length(token) BETWEEN 1 AND 4096),
    created_at   TEXT    NOT NULL,
    last_used_at TEXT    NOT NULL
);
CREATE INDEX devices_user ON devices (user_id);

-- Notification processes alive: each renews heartbeat_at; one that stops (crashed, killed)
-- is swept by the others once its heartbeat is older than the expiry, and its connection
-- rows go with it.
CREATE TABLE ws_processes (
    process_id   TEXT PRIMARY KEY CHECK (length(process_id) BETWEEN 1 AND 64),
    started_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
) WITHOUT ROWID;

-- Open WebSocket connections of signed-in users (anonymous ones tell nobody's presence).
CREATE TABLE ws_connections (
    process_id    TEXT    NOT NULL REFERENCES ws_processes (process_id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connected_at  TEXT    NOT NULL,
    PRIMARY KEY (process_id, connection_id)
) WITHOUT ROWID;
CREATE INDEX ws_connections_user ON ws_connections (user_id);
