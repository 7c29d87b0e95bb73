UPDATE "events" SET "id" = 0 WHERE "id" IS NULL;

ALTER TABLE "events" ALTER COLUMN "id" SET NOT NULL;

ALTER TABLE "events" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;

SELECT setval(pg_get_serial_sequence('"events"', 'id'), GREATEST(MAX("id"), 1), MAX("id") IS NOT NULL) FROM "events";

ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY ("id");
