ALTER TABLE "pets" ADD COLUMN "chip" text;

-- next migration file

-- migrate:batch table=pets
UPDATE "pets" SET "chip" = 'unknown' WHERE "chip" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_chip_not_null";

ALTER TABLE "pets" ADD CONSTRAINT "pets_chip_not_null" CHECK ("chip" IS NOT NULL) NOT VALID;

UPDATE "pets" SET "chip" = 'unknown' WHERE "chip" IS NULL;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_chip_not_null";

ALTER TABLE "pets" ALTER COLUMN "chip" SET NOT NULL;

ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_chip_not_null";
