-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "accounts_rank_idx";

CREATE INDEX CONCURRENTLY IF NOT EXISTS "accounts_rank_idx" ON "accounts" ("rank" DESC);

DROP INDEX CONCURRENTLY IF EXISTS "accounts_email_lower";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "accounts_email_lower" ON "accounts" ((lower(email)));

DROP INDEX CONCURRENTLY IF EXISTS "accounts_list_id_rank_key";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "accounts_list_id_rank_key" ON "accounts" ("list_id", "rank");

ALTER TABLE "accounts" ADD CONSTRAINT "accounts_list_id_rank_key" UNIQUE USING INDEX "accounts_list_id_rank_key";
