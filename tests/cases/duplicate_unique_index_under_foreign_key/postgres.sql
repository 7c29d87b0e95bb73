ALTER TABLE "invites" DROP CONSTRAINT "invites_email_fkey";

-- next migration file

-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "users_email_key";

CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_key" ON "users" ("email");

ALTER TABLE "invites" DROP CONSTRAINT IF EXISTS "invites_email_fkey";

ALTER TABLE "invites" ADD CONSTRAINT "invites_email_fkey" FOREIGN KEY ("email") REFERENCES "users" ("email") NOT VALID;

ALTER TABLE "invites" VALIDATE CONSTRAINT "invites_email_fkey";
