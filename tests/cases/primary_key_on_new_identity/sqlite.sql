CREATE TABLE "_migrate_new_events" (
    "id" integer NOT NULL,
    "kind" text NOT NULL,
    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_events" ("id", "kind") SELECT COALESCE("id", 0), "kind" FROM "events";

DROP TABLE "events";

ALTER TABLE "_migrate_new_events" RENAME TO "events";
