-- Check refuses: a foreign key whose target is a unique index that pull leaves out (here: one with INCLUDE).
CREATE TABLE products (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    name text NOT NULL
);
CREATE UNIQUE INDEX products_sku ON products (sku) INCLUDE (name);
CREATE TABLE stock (
    id integer PRIMARY KEY,
    sku text NOT NULL REFERENCES products (sku)
);
