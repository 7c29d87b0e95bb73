-- Check refuses: a check PostgreSQL prints back as SUBSTRING(s FROM 1 FOR 2) (unknown-column).
CREATE TABLE countries (
    id integer PRIMARY KEY,
    iso text NOT NULL,
    CONSTRAINT countries_iso_check CHECK (substring(iso from 1 for 2) <> 'XX')
);
