-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "pets_traits_idx";

CREATE INDEX CONCURRENTLY IF NOT EXISTS "pets_traits_idx" ON "pets" USING gin ("traits");
