-- migrate:no-transaction
UPDATE "events" SET "id" = 0 WHERE "id" IS NULL;

ALTER TABLE "events" DROP CONSTRAINT IF EXISTS "events_id_not_null";

ALTER TABLE "events" ADD CONSTRAINT "events_id_not_null" CHECK ("id" IS NOT NULL) NOT VALID;

ALTER TABLE "events" VALIDATE CONSTRAINT "events_id_not_null";

ALTER TABLE "events" ALTER COLUMN "id" SET NOT NULL;

ALTER TABLE "events" DROP CONSTRAINT IF EXISTS "events_id_not_null";

DROP INDEX CONCURRENTLY IF EXISTS "events_pkey";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "events_pkey" ON "events" ("id");

-- next migration file

ALTER TABLE "events" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;

SELECT setval(pg_get_serial_sequence('"events"', 'id'), GREATEST(MAX("id"), 1), MAX("id") IS NOT NULL) FROM "events";

ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY USING INDEX "events_pkey";
