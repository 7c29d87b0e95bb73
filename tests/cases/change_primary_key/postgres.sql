-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "tags_pkey_new";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "tags_pkey_new" ON "tags" ("pet", "name");

-- next migration file

ALTER TABLE "tags" DROP CONSTRAINT "tags_pkey";

ALTER TABLE "tags" ADD CONSTRAINT "tags_pkey" PRIMARY KEY USING INDEX "tags_pkey_new";
