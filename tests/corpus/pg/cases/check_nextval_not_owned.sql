-- Check refuses: a nullable column defaulting to nextval() of a sequence it does not own (read as a nullable identity).
CREATE SEQUENCE ticket_numbers;
CREATE TABLE tickets (
    id integer PRIMARY KEY,
    number bigint DEFAULT nextval('ticket_numbers')
);
