-- Silently wrong: a function, a trigger, a procedure and an aggregate are skipped with no note.
CREATE TABLE documents (id integer PRIMARY KEY, body text NOT NULL, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_touch BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION touch();
CREATE PROCEDURE purge(before timestamptz) LANGUAGE sql AS $$ DELETE FROM documents WHERE updated_at < before $$;
CREATE AGGREGATE text_concat(text) (SFUNC = textcat, STYPE = text, INITCOND = '');
