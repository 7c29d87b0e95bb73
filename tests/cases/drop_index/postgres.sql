-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "pets_name_idx";
