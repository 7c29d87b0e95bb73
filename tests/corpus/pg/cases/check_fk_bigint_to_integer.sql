-- Check refuses: a bigint foreign key to an integer key, which PostgreSQL allows (fk-type-mismatch).
CREATE TABLE customers (id integer PRIMARY KEY);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id)
);
