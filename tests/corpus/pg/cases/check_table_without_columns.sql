-- Check refuses: a table with no columns, which PostgreSQL allows.
CREATE TABLE placeholder ();
CREATE TABLE things (id integer PRIMARY KEY);
