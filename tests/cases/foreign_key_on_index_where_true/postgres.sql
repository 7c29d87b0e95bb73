ALTER TABLE "uses" DROP CONSTRAINT "uses_code_fkey";

DROP INDEX "codes_code_all";

-- next migration file

-- migrate:no-transaction
ALTER TABLE "uses" DROP CONSTRAINT IF EXISTS "uses_code_fkey";

ALTER TABLE "uses" ADD CONSTRAINT "uses_code_fkey" FOREIGN KEY ("code") REFERENCES "codes" ("code") NOT VALID;

ALTER TABLE "uses" VALIDATE CONSTRAINT "uses_code_fkey";
