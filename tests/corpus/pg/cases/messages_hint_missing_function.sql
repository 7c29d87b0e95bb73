-- Messages: a default calling an extension's function fails to apply; PostgreSQL's HINT must reach the user.
-- corpus: expect-message No function matches the given name and argument types
CREATE EXTENSION "uuid-ossp";
CREATE TABLE tokens (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), label text NOT NULL);
