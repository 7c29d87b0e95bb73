CREATE TABLE "_migrate_new_tickets" (
    "number" integer NOT NULL,
    "title" text NOT NULL
);

INSERT INTO "_migrate_new_tickets" ("number", "title") SELECT COALESCE("number", 0), "title" FROM "tickets";

DROP TABLE "tickets";

ALTER TABLE "_migrate_new_tickets" RENAME TO "tickets";
