-- Check refuses: an enum with an empty label, which PostgreSQL allows.
CREATE TYPE answer AS ENUM ('', 'yes', 'no');
CREATE TABLE replies (id integer PRIMARY KEY, answer answer NOT NULL DEFAULT '');
