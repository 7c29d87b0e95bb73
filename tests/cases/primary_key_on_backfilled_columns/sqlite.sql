CREATE TABLE "_migrate_new_devices" (
    "serial" text NOT NULL,
    "name" text NOT NULL,
    "region" text NOT NULL,
    CONSTRAINT "devices_pkey" PRIMARY KEY ("serial", "region")
);

INSERT INTO "_migrate_new_devices" ("serial", "name", "region") SELECT COALESCE("serial", 'unknown'), "name", 'eu' FROM "devices";

DROP TABLE "devices";

ALTER TABLE "_migrate_new_devices" RENAME TO "devices";
