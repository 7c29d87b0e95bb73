ALTER TABLE "pets" ALTER COLUMN "weight" SET DEFAULT 1;

-- next migration file

-- migrate:batch table=pets
UPDATE "pets" SET "weight" = 1 WHERE "weight" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_weight_not_null";

ALTER TABLE "pets" ADD CONSTRAINT "pets_weight_not_null" CHECK ("weight" IS NOT NULL) NOT VALID;

UPDATE "pets" SET "weight" = 1 WHERE "weight" IS NULL;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_weight_not_null";

ALTER TABLE "pets" ALTER COLUMN "weight" SET NOT NULL;

ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_weight_not_null";
