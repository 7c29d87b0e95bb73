-- Hard failure: a GENERATED ALWAYS AS (...) STORED column crashes pull with a raw server error.
CREATE TABLE order_lines (
    id integer PRIMARY KEY,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    total numeric(12,2) GENERATED ALWAYS AS (quantity * unit_price) STORED
);
