-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "teams_pkey";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "teams_pkey" ON "teams" ("slug");

-- next migration file

CREATE TABLE "invites" (
    "id" integer NOT NULL,
    "email" text NOT NULL,
    "team" text NOT NULL,
    CONSTRAINT "invites_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "teams" ADD CONSTRAINT "teams_pkey" PRIMARY KEY USING INDEX "teams_pkey";

-- next migration file

-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "users_email_key";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_key" ON "users" ("email");

ALTER TABLE "invites" DROP CONSTRAINT IF EXISTS "invites_email_fkey";

ALTER TABLE "invites" ADD CONSTRAINT "invites_email_fkey" FOREIGN KEY ("email") REFERENCES "users" ("email") NOT VALID;

ALTER TABLE "invites" VALIDATE CONSTRAINT "invites_email_fkey";

ALTER TABLE "invites" DROP CONSTRAINT IF EXISTS "invites_team_fkey";

ALTER TABLE "invites" ADD CONSTRAINT "invites_team_fkey" FOREIGN KEY ("team") REFERENCES "teams" ("slug") NOT VALID;

ALTER TABLE "invites" VALIDATE CONSTRAINT "invites_team_fkey";
