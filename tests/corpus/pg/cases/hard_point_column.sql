-- Hard failure: a point column stops pull and diff.
CREATE TABLE stores (
    id integer PRIMARY KEY,
    name text NOT NULL,
    location point
);
