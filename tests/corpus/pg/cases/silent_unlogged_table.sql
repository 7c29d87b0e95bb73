-- Silently wrong: UNLOGGED is lost.
CREATE UNLOGGED TABLE sessions (id text PRIMARY KEY, data jsonb NOT NULL);
