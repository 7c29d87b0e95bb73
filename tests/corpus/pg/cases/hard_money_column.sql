-- Hard failure: a money column stops pull and diff.
CREATE TABLE invoices (
    id integer PRIMARY KEY,
    total money NOT NULL DEFAULT 0
);
