CREATE TABLE "_migrate_new_tickets" (
    "title" text NOT NULL,
    "number" bigint NOT NULL
);

INSERT INTO "_migrate_new_tickets" ("title", "number") SELECT "title", rowid FROM "tickets";

DROP TABLE "tickets";

ALTER TABLE "_migrate_new_tickets" RENAME TO "tickets";
