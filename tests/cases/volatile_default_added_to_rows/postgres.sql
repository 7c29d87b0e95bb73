ALTER TABLE "pets" ADD COLUMN "token" uuid;

ALTER TABLE "pets" ALTER COLUMN "token" SET DEFAULT gen_random_uuid();

ALTER TABLE "pets" ADD COLUMN "score" double precision;

ALTER TABLE "pets" ALTER COLUMN "score" SET DEFAULT random();

ALTER TABLE "pets" ADD COLUMN "born_at" timestamptz DEFAULT now() NOT NULL;

-- migrate:allow adding-field-with-default: filling it in batches needs a primary key or a unique NOT NULL key that the column is not part of; the table is rewritten under its exclusive lock
ALTER TABLE "tickets" ADD COLUMN "token" uuid DEFAULT gen_random_uuid() NOT NULL;

ALTER TABLE "tags" ADD COLUMN "label" text;

ALTER TABLE "tags" ADD COLUMN "token" uuid;

ALTER TABLE "tags" ALTER COLUMN "token" SET DEFAULT gen_random_uuid();

-- next migration file

-- migrate:batch table=pets
UPDATE "pets" SET "token" = gen_random_uuid() WHERE "token" IS NULL AND :batch;

-- next migration file

-- migrate:batch table=pets
UPDATE "pets" SET "score" = random() WHERE "score" IS NULL AND :batch;

-- next migration file

-- migrate:batch table=tags key=code
UPDATE "tags" SET "label" = upper(code) WHERE "label" IS NULL AND :batch;

-- next migration file

-- migrate:batch table=tags key=code
UPDATE "tags" SET "token" = gen_random_uuid() WHERE "token" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_token_not_null";

ALTER TABLE "pets" ADD CONSTRAINT "pets_token_not_null" CHECK ("token" IS NOT NULL) NOT VALID;

UPDATE "pets" SET "token" = gen_random_uuid() WHERE "token" IS NULL;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_token_not_null";

ALTER TABLE "pets" ALTER COLUMN "token" SET NOT NULL;

ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_token_not_null";

ALTER TABLE "tags" DROP CONSTRAINT IF EXISTS "tags_label_not_null";

ALTER TABLE "tags" ADD CONSTRAINT "tags_label_not_null" CHECK ("label" IS NOT NULL) NOT VALID;

UPDATE "tags" SET "label" = upper(code) WHERE "label" IS NULL;

ALTER TABLE "tags" VALIDATE CONSTRAINT "tags_label_not_null";

ALTER TABLE "tags" ALTER COLUMN "label" SET NOT NULL;

ALTER TABLE "tags" DROP CONSTRAINT IF EXISTS "tags_label_not_null";

ALTER TABLE "tags" DROP CONSTRAINT IF EXISTS "tags_token_not_null";

ALTER TABLE "tags" ADD CONSTRAINT "tags_token_not_null" CHECK ("token" IS NOT NULL) NOT VALID;

UPDATE "tags" SET "token" = gen_random_uuid() WHERE "token" IS NULL;

ALTER TABLE "tags" VALIDATE CONSTRAINT "tags_token_not_null";

ALTER TABLE "tags" ALTER COLUMN "token" SET NOT NULL;

ALTER TABLE "tags" DROP CONSTRAINT IF EXISTS "tags_token_not_null";
