-- Check refuses: a check PostgreSQL prints back as EXTRACT(epoch FROM ts) (unknown-column).
CREATE TABLE events (
    id integer PRIMARY KEY,
    at timestamptz NOT NULL,
    CONSTRAINT events_at_check CHECK (extract(epoch from at) > 0)
);
