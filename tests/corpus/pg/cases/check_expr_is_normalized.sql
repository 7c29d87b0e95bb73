-- Check refuses: a check PostgreSQL prints back as `name IS NFC NORMALIZED` (unknown-column).
CREATE TABLE labels (
    id integer PRIMARY KEY,
    name text NOT NULL,
    CONSTRAINT labels_name_check CHECK (name IS NFC NORMALIZED)
);
