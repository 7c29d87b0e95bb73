-- Silently wrong: row-level security, its policies and grants are skipped with no note.
-- Not in the schema language: `pull` must say so, one note per kind with a count.
-- corpus: expect-note 1 policy (not in the schema language, not read): `notes_owner on notes`
CREATE TABLE notes (id integer PRIMARY KEY, owner text NOT NULL DEFAULT current_user, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_owner ON notes USING (owner = current_user);
GRANT SELECT, INSERT ON notes TO PUBLIC;
