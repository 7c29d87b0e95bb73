-- Silently wrong: DEFAULT ('now'::text)::date is pulled as the literal 'now', so the rebuilt default is frozen at migration time.
CREATE TABLE visits (
    id integer PRIMARY KEY,
    day date DEFAULT ('now'::text)::date NOT NULL,
    at timestamp DEFAULT 'now'::text::timestamp without time zone
);
