CREATE TABLE "_migrate_new_user" (
    "id" integer NOT NULL,
    "select" "select text" NOT NULL DEFAULT 'it''s' CHECK ("select" IN ('it''s', 'a "quote"')),
    "my col" varchar(10) NOT NULL,
    "group" text,
    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_user" ("id", "select", "my col") SELECT "id", "select", COALESCE("my col", 'x') FROM "user";

DROP TABLE "user";

ALTER TABLE "_migrate_new_user" RENAME TO "user";
