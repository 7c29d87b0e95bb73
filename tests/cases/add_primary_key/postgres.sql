-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "tags_pkey";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "tags_pkey" ON "tags" ("pet", "name");

-- next migration file

ALTER TABLE "tags" ADD CONSTRAINT "tags_pkey" PRIMARY KEY USING INDEX "tags_pkey";
