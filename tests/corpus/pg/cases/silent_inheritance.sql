-- Silently wrong: table inheritance is lost; the child is read as a table with copies of the parent's columns.
-- Not in the schema language (see schema/README.md): `pull` must say so.
-- corpus: expect-note `trucks inherits from vehicles`
CREATE TABLE vehicles (id integer PRIMARY KEY, wheels integer NOT NULL);
CREATE TABLE trucks (payload integer) INHERITS (vehicles);
