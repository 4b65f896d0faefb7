-- The file attached to an event (at most one). The bytes live in the object store
-- (a local folder or an S3 bucket) under object_key; this row is what is known about them.
-- Deleting the event deletes the row; the application then removes the object.
CREATE TABLE event_attachments (
    event_id     BIGINT      PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    object_key   TEXT        NOT NULL UNIQUE CHECK (length(object_key) BETWEEN 1 AND 1024),
    -- As given by the uploader, without directories or control characters.
    file_name    TEXT        NOT NULL CHECK (length(trim(file_name)) BETWEEN 1 AND 255),
    -- Decided by sniffing the bytes, never taken from the upload's declared type.
    content_type TEXT        NOT NULL CHECK (content_type IN (
                     'application/pdf', 'image/png', 'image/jpeg', 'image/webp',
                     'text/plain; charset=utf-8')),
    size_bytes   BIGINT      NOT NULL CHECK (size_bytes > 0),
    sha256       CHAR(64)    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_at  TIMESTAMPTZ NOT NULL
);
