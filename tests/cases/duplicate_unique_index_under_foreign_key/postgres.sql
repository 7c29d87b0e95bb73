ALTER TABLE "invites" DROP CONSTRAINT "invites_email_fkey";

DROP INDEX "users_email_key";

-- next migration file

-- migrate:no-transaction
CREATE INDEX CONCURRENTLY "users_email_key" ON "users" ("email");

ALTER TABLE "invites" ADD CONSTRAINT "invites_email_fkey" FOREIGN KEY ("email") REFERENCES "users" ("email") NOT VALID;

ALTER TABLE "invites" VALIDATE CONSTRAINT "invites_email_fkey";
