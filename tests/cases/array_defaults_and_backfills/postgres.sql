ALTER TABLE "posts" ALTER COLUMN "tags" SET DEFAULT '{}';

ALTER TABLE "posts" ADD COLUMN "scores" integer[] DEFAULT '{1,2}' NOT NULL;

ALTER TABLE "posts" ADD COLUMN "labels" varchar[];

-- next migration file

-- migrate:batch table=posts
UPDATE "posts" SET "tags" = '{}' WHERE "tags" IS NULL AND :batch;

-- next migration file

-- migrate:batch table=posts
UPDATE "posts" SET "labels" = '{"needs review"}' WHERE "labels" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "posts" DROP CONSTRAINT IF EXISTS "posts_tags_not_null";

ALTER TABLE "posts" ADD CONSTRAINT "posts_tags_not_null" CHECK ("tags" IS NOT NULL) NOT VALID;

UPDATE "posts" SET "tags" = '{}' WHERE "tags" IS NULL;

ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_tags_not_null";

ALTER TABLE "posts" ALTER COLUMN "tags" SET NOT NULL;

ALTER TABLE "posts" DROP CONSTRAINT IF EXISTS "posts_tags_not_null";

ALTER TABLE "posts" DROP CONSTRAINT IF EXISTS "posts_labels_not_null";

ALTER TABLE "posts" ADD CONSTRAINT "posts_labels_not_null" CHECK ("labels" IS NOT NULL) NOT VALID;

UPDATE "posts" SET "labels" = '{"needs review"}' WHERE "labels" IS NULL;

ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_labels_not_null";

ALTER TABLE "posts" ALTER COLUMN "labels" SET NOT NULL;

ALTER TABLE "posts" DROP CONSTRAINT IF EXISTS "posts_labels_not_null";
