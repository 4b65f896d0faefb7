-- Rate limits shared by every process on this database.
--
-- One row per limit and client address holds the GCRA "theoretical arrival time": the
-- instant at which the client's allowance is full again. A request is allowed when
-- pushing that instant one emission interval further keeps it within the burst window.
-- The row is taken and advanced in one atomic upsert, against the database's clock, so
-- processes on different hosts agree.
--
-- UNLOGGED: counters need no WAL (writes stay cheap); a database crash forgets them,
-- which at worst grants one fresh allowance. The fill factor leaves room for HOT updates
-- (the key never changes). Rows whose instant has passed are at full allowance and are
-- purged by housekeeping.
CREATE UNLOGGED TABLE rate_limits (
    bucket TEXT        NOT NULL,
    client TEXT        NOT NULL,
    tat    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (bucket, client)
) WITH (fillfactor = 70);
