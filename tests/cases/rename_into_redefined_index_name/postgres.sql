-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "pets_name_idx";

DROP INDEX CONCURRENTLY IF EXISTS "pets_by_name";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "pets_by_name" ON "pets" ("name", "born");

CREATE INDEX CONCURRENTLY IF NOT EXISTS "pets_name_idx" ON "pets" ("name");
