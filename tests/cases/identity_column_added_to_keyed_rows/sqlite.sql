CREATE TABLE "_migrate_new_tickets" (
    "id" uuid text NOT NULL,
    "title" text NOT NULL,
    "number" bigint NOT NULL,
    "rank" integer NOT NULL,
    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_tickets" ("id", "title", "number", "rank") SELECT "id", "title", rowid, rowid FROM "tickets";

DROP TABLE "tickets";

ALTER TABLE "_migrate_new_tickets" RENAME TO "tickets";
