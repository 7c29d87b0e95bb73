ALTER TABLE "uses" DROP CONSTRAINT "uses_code_fkey";

-- next migration file

-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "codes_code_all";

ALTER TABLE "uses" DROP CONSTRAINT IF EXISTS "uses_code_fkey";

ALTER TABLE "uses" ADD CONSTRAINT "uses_code_fkey" FOREIGN KEY ("code") REFERENCES "codes" ("code") NOT VALID;

ALTER TABLE "uses" VALIDATE CONSTRAINT "uses_code_fkey";
