-- Silently wrong: extensions are skipped with no note; the rebuilt database lacks them.
CREATE EXTENSION pg_trgm;
CREATE EXTENSION unaccent;
CREATE TABLE tags (id integer PRIMARY KEY, name text NOT NULL);
