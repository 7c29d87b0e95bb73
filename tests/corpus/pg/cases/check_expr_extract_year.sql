-- Check refuses: a check PostgreSQL prints back as EXTRACT(year FROM d) (unknown-column).
CREATE TABLE people (
    id integer PRIMARY KEY,
    born date NOT NULL,
    CONSTRAINT people_born_check CHECK (extract(year from born) > 1900)
);
