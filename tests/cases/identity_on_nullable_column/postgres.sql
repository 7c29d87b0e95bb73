-- migrate:no-transaction
UPDATE "tickets" SET "number" = 0 WHERE "number" IS NULL;

ALTER TABLE "tickets" DROP CONSTRAINT IF EXISTS "tickets_number_not_null";

ALTER TABLE "tickets" ADD CONSTRAINT "tickets_number_not_null" CHECK ("number" IS NOT NULL) NOT VALID;

ALTER TABLE "tickets" VALIDATE CONSTRAINT "tickets_number_not_null";

ALTER TABLE "tickets" ALTER COLUMN "number" SET NOT NULL;

ALTER TABLE "tickets" DROP CONSTRAINT IF EXISTS "tickets_number_not_null";

-- next migration file

ALTER TABLE "tickets" ALTER COLUMN "number" ADD GENERATED ALWAYS AS IDENTITY;

SELECT setval(pg_get_serial_sequence('"tickets"', 'number'), GREATEST(MAX("number"), 1), MAX("number") IS NOT NULL) FROM "tickets";
