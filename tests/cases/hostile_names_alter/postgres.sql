ALTER TABLE "user" ALTER COLUMN "my col" TYPE varchar(10) USING "my col"::varchar(10);

ALTER TABLE "user" ADD COLUMN "group" text;

-- next migration file

-- migrate:batch table=user
UPDATE "user" SET "my col" = 'x' WHERE "my col" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "user" DROP CONSTRAINT IF EXISTS "user_my col_not_null";

ALTER TABLE "user" ADD CONSTRAINT "user_my col_not_null" CHECK ("my col" IS NOT NULL) NOT VALID;

UPDATE "user" SET "my col" = 'x' WHERE "my col" IS NULL;

ALTER TABLE "user" VALIDATE CONSTRAINT "user_my col_not_null";

ALTER TABLE "user" ALTER COLUMN "my col" SET NOT NULL;

ALTER TABLE "user" DROP CONSTRAINT IF EXISTS "user_my col_not_null";
