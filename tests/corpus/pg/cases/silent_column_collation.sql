-- Silently wrong: a column's collation is lost.
CREATE TABLE words (
    id integer PRIMARY KEY,
    word text COLLATE "C" NOT NULL,
    label varchar(40) COLLATE "POSIX"
);
