CREATE TABLE "_migrate_new_tags" (
    "pet" uuid text NOT NULL,
    "name" text NOT NULL,
    CONSTRAINT "tags_pkey" PRIMARY KEY ("pet", "name")
);

INSERT INTO "_migrate_new_tags" ("pet", "name") SELECT "pet", "name" FROM "tags";

DROP TABLE "tags";

ALTER TABLE "_migrate_new_tags" RENAME TO "tags";
