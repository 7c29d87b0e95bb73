-- Silently wrong: table inheritance is lost; the child is read as a table with copies of the parent's columns.
CREATE TABLE vehicles (id integer PRIMARY KEY, wheels integer NOT NULL);
CREATE TABLE trucks (payload integer) INHERITS (vehicles);
