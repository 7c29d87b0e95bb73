-- Silently wrong: a UNIQUE constraint becomes a unique index, so ON CONFLICT ON CONSTRAINT no longer finds it.
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    email text NOT NULL,
    CONSTRAINT accounts_email_key UNIQUE (email)
);
