-- Check refuses: a check PostgreSQL prints back as (s COLLATE "C") (unknown-column).
CREATE TABLE codes (
    id integer PRIMARY KEY,
    code text NOT NULL,
    CONSTRAINT codes_code_check CHECK ((code COLLATE "C") >= 'A')
);
