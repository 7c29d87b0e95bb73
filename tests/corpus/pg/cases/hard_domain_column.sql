-- Hard failure: a column of a domain (pagila's `year`) stops pull and diff.
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE TABLE films (
    id integer PRIMARY KEY,
    title text NOT NULL,
    release_year year
);
