-- Silently wrong: DESC / NULLS FIRST, INCLUDE and operator-class indexes are left out.
CREATE TABLE posts (id integer PRIMARY KEY, slug varchar(80) NOT NULL, created_at timestamptz NOT NULL, title text);
CREATE INDEX posts_recent ON posts (created_at DESC NULLS LAST);
CREATE INDEX posts_slug_covering ON posts (slug) INCLUDE (title);
CREATE INDEX posts_slug_prefix ON posts (slug varchar_pattern_ops);
