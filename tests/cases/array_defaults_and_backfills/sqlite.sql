CREATE TABLE "_migrate_new_posts" (
    "id" integer NOT NULL,
    "tags" "text[] text" NOT NULL DEFAULT '[]',
    "scores" "integer[] text" NOT NULL DEFAULT '[1,2]',
    "labels" "varchar[] text" NOT NULL,
    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_posts" ("id", "tags", "labels") SELECT "id", COALESCE("tags", '[]'), '["needs review"]' FROM "posts";

DROP TABLE "posts";

ALTER TABLE "_migrate_new_posts" RENAME TO "posts";
