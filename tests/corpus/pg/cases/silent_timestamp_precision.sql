-- Silently wrong: timestamp(6) / timestamptz(6) (as Prisma writes them) are read as plain timestamp, with no note.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    created_at timestamp(6) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    seen_at timestamp(6) without time zone
);
