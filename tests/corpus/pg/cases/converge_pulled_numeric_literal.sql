-- Never converges: a check on `price < 1e6` pulled from the database as PostgreSQL prints it is dropped and re-added by every diff.
CREATE TABLE items (
    id integer PRIMARY KEY,
    price numeric NOT NULL,
    CONSTRAINT items_price_check CHECK (price < 1e6)
);
