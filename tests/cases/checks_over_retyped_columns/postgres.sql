-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "shirts_id_idx";

-- next migration file

ALTER TABLE "codes" DROP CONSTRAINT "code_not_empty";

ALTER TABLE "shirts" DROP CONSTRAINT "no_large";

ALTER TYPE "size" RENAME TO "size__old";

CREATE TYPE "size" AS ENUM ('small', 'large', 'medium');

ALTER TABLE "shirts" ALTER COLUMN "size" TYPE "size" USING "size"::text::"size";

ALTER TABLE "codes" ALTER COLUMN "code" TYPE "code_kind" USING "code"::"code_kind";

DROP TYPE "size__old";

-- next migration file

-- migrate:no-transaction
ALTER TABLE "codes" DROP CONSTRAINT IF EXISTS "code_not_empty";

ALTER TABLE "codes" ADD CONSTRAINT "code_not_empty" CHECK (length(code::text) > 0) NOT VALID;

ALTER TABLE "codes" VALIDATE CONSTRAINT "code_not_empty";

DROP INDEX CONCURRENTLY IF EXISTS "shirts_id_idx";

CREATE INDEX CONCURRENTLY IF NOT EXISTS "shirts_id_idx" ON "shirts" ("id") WHERE size <> 'small';

ALTER TABLE "shirts" DROP CONSTRAINT IF EXISTS "no_large";

ALTER TABLE "shirts" ADD CONSTRAINT "no_large" CHECK (size <> 'large') NOT VALID;

ALTER TABLE "shirts" VALIDATE CONSTRAINT "no_large";
