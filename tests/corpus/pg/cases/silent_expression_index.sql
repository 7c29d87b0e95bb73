-- Silently wrong: an expression index (lower(email), in almost every real schema) is left out.
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
