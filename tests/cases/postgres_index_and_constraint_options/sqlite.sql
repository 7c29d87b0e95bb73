CREATE TABLE "_migrate_new_posts" (
    "id" integer NOT NULL,
    "slug" varchar(80) NOT NULL,
    "title" text,
    "room" integer,
    "day" date text,
    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_posts" ("id", "slug", "title", "room", "day") SELECT "id", "slug", "title", "room", "day" FROM "posts";

DROP TABLE "posts";

ALTER TABLE "_migrate_new_posts" RENAME TO "posts";

CREATE UNIQUE INDEX "posts_room_day_key" ON "posts" ("room", "day");

CREATE INDEX "posts_slug_prefix" ON "posts" ("slug", "day" DESC);
