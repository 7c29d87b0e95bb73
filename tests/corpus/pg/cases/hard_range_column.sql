-- Hard failure: range columns (tstzrange, int4range) with an exclusion constraint stop pull and diff.
CREATE TABLE bookings (
    id integer PRIMARY KEY,
    room integer NOT NULL,
    during tstzrange NOT NULL,
    seats int4range,
    EXCLUDE USING gist (during WITH &&)
);
