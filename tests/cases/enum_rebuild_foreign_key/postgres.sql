ALTER TABLE "shirts" DROP CONSTRAINT "shirts_size_fkey";

ALTER TYPE "size" RENAME TO "size__old";

CREATE TYPE "size" AS ENUM ('small', 'large');

ALTER TABLE "sizes" ALTER COLUMN "size" TYPE "size" USING "size"::text::"size";

ALTER TABLE "shirts" ALTER COLUMN "size" TYPE "size" USING "size"::text::"size";

DROP TYPE "size__old";

-- next migration file

-- migrate:no-transaction
ALTER TABLE "shirts" DROP CONSTRAINT IF EXISTS "shirts_size_fkey";

ALTER TABLE "shirts" ADD CONSTRAINT "shirts_size_fkey" FOREIGN KEY ("size") REFERENCES "sizes" ("size") NOT VALID;

ALTER TABLE "shirts" VALIDATE CONSTRAINT "shirts_size_fkey";
