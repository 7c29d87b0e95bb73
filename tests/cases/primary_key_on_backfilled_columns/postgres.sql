-- migrate:no-transaction
ALTER TABLE "devices" ADD COLUMN IF NOT EXISTS "region" text;

UPDATE "devices" SET "serial" = 'unknown' WHERE "serial" IS NULL;

ALTER TABLE "devices" DROP CONSTRAINT IF EXISTS "devices_serial_not_null";

ALTER TABLE "devices" ADD CONSTRAINT "devices_serial_not_null" CHECK ("serial" IS NOT NULL) NOT VALID;

ALTER TABLE "devices" VALIDATE CONSTRAINT "devices_serial_not_null";

ALTER TABLE "devices" ALTER COLUMN "serial" SET NOT NULL;

ALTER TABLE "devices" DROP CONSTRAINT IF EXISTS "devices_serial_not_null";

UPDATE "devices" SET "region" = 'eu' WHERE "region" IS NULL;

ALTER TABLE "devices" DROP CONSTRAINT IF EXISTS "devices_region_not_null";

ALTER TABLE "devices" ADD CONSTRAINT "devices_region_not_null" CHECK ("region" IS NOT NULL) NOT VALID;

ALTER TABLE "devices" VALIDATE CONSTRAINT "devices_region_not_null";

ALTER TABLE "devices" ALTER COLUMN "region" SET NOT NULL;

ALTER TABLE "devices" DROP CONSTRAINT IF EXISTS "devices_region_not_null";

DROP INDEX CONCURRENTLY IF EXISTS "devices_pkey";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "devices_pkey" ON "devices" ("serial", "region");

-- next migration file

ALTER TABLE "devices" ADD CONSTRAINT "devices_pkey" PRIMARY KEY USING INDEX "devices_pkey";
