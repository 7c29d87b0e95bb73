ALTER TABLE "posts" RENAME TO "articles";

ALTER TABLE "articles" RENAME COLUMN "status" TO "state";

CREATE TABLE "_migrate_new_articles" (
    "id" integer NOT NULL,
    "state" "status text" NOT NULL DEFAULT 'published' CHECK ("state" IN ('draft', 'published')),
    CONSTRAINT "articles_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_articles" ("id", "state") SELECT "id", "state" FROM "articles";

DROP TABLE "articles";

ALTER TABLE "_migrate_new_articles" RENAME TO "articles";
