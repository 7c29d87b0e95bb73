-- migrate:batch table=pets
UPDATE "pets" SET "nickname" = name WHERE "nickname" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_nickname_not_null";

ALTER TABLE "pets" ADD CONSTRAINT "pets_nickname_not_null" CHECK ("nickname" IS NOT NULL) NOT VALID;

UPDATE "pets" SET "nickname" = name WHERE "nickname" IS NULL;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_nickname_not_null";

ALTER TABLE "pets" ALTER COLUMN "nickname" SET NOT NULL;

ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_nickname_not_null";
