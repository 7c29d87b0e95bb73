-- Hard failure: a column of an extension's type (citext) stops pull and diff.
CREATE EXTENSION citext;
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email citext NOT NULL UNIQUE
);
