-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "pets_owner_id_born_idx";

CREATE INDEX CONCURRENTLY IF NOT EXISTS "pets_owner_id_born_idx" ON "pets" ("owner_id", "born");

DROP INDEX CONCURRENTLY IF EXISTS "pets_nickname_live_key";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "pets_nickname_live_key" ON "pets" ("nickname") WHERE nickname IS NOT NULL;
