ALTER TYPE "éééééééééééééééééééééééééééééééx" RENAME TO "ééééééééééééééééééééééééééééé__old";

CREATE TYPE "éééééééééééééééééééééééééééééééx" AS ENUM ('a', 'c');

ALTER TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" ALTER COLUMN "kind" TYPE "éééééééééééééééééééééééééééééééx" USING "kind"::text::"éééééééééééééééééééééééééééééééx";

ALTER TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" ALTER COLUMN "çççççççççççççççççççççççççççççççc" TYPE bigint USING "çççççççççççççççççççççççççççççççc"::bigint;

DROP TYPE "ééééééééééééééééééééééééééééé__old";

-- next migration file

-- migrate:batch table=ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt
UPDATE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" SET "çççççççççççççççççççççççççççççççc" = 0 WHERE "çççççççççççççççççççççççççççççççc" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" DROP CONSTRAINT IF EXISTS "tttttttttttttttttttttttttttttttttttttttttttttttttttttt_not_null";

ALTER TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" ADD CONSTRAINT "tttttttttttttttttttttttttttttttttttttttttttttttttttttt_not_null" CHECK ("çççççççççççççççççççççççççççççççc" IS NOT NULL) NOT VALID;

UPDATE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" SET "çççççççççççççççççççççççççççççççc" = 0 WHERE "çççççççççççççççççççççççççççççççc" IS NULL;

ALTER TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" VALIDATE CONSTRAINT "tttttttttttttttttttttttttttttttttttttttttttttttttttttt_not_null";

ALTER TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" ALTER COLUMN "çççççççççççççççççççççççççççççççc" SET NOT NULL;

ALTER TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" DROP CONSTRAINT IF EXISTS "tttttttttttttttttttttttttttttttttttttttttttttttttttttt_not_null";
