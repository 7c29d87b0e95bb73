-- Silently wrong: NULLS NOT DISTINCT on a unique constraint and a unique index is lost (PostgreSQL 15).
CREATE TABLE slots (
    id integer PRIMARY KEY,
    room integer,
    day date,
    CONSTRAINT slots_room_day UNIQUE NULLS NOT DISTINCT (room, day)
);
CREATE UNIQUE INDEX slots_day ON slots (day) NULLS NOT DISTINCT;
