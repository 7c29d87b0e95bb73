ALTER TABLE "devices" ADD COLUMN "region" text;

UPDATE "devices" SET "serial" = 'unknown' WHERE "serial" IS NULL;

UPDATE "devices" SET "region" = 'eu' WHERE "region" IS NULL;

ALTER TABLE "devices" ADD CONSTRAINT "devices_pkey" PRIMARY KEY ("serial", "region");
