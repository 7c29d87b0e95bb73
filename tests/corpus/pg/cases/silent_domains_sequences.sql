-- Silently wrong: a domain no column uses and a free-standing sequence are skipped with no note.
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE SEQUENCE order_numbers START WITH 100 INCREMENT BY 5;
CREATE TABLE orders (id integer PRIMARY KEY);
