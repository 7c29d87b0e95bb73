-- Silently wrong: DEFERRABLE INITIALLY DEFERRED on a UNIQUE constraint is lost.
CREATE TABLE positions (
    id integer PRIMARY KEY,
    list_id integer NOT NULL,
    rank integer NOT NULL,
    CONSTRAINT positions_list_rank UNIQUE (list_id, rank) DEFERRABLE INITIALLY DEFERRED
);
