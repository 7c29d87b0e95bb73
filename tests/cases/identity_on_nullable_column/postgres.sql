UPDATE "tickets" SET "number" = 0 WHERE "number" IS NULL;

ALTER TABLE "tickets" ALTER COLUMN "number" SET NOT NULL;

ALTER TABLE "tickets" ALTER COLUMN "number" ADD GENERATED ALWAYS AS IDENTITY;

SELECT setval(pg_get_serial_sequence('"tickets"', 'number'), GREATEST(MAX("number"), 1), MAX("number") IS NOT NULL) FROM "tickets";
