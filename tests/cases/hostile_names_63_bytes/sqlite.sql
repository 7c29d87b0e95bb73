CREATE TABLE "_migrate_new_ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" (
    "id" integer NOT NULL,
    "kind" "éééééééééééééééééééééééééééééééx text" NOT NULL CHECK ("kind" IN ('a', 'c')),
    "çççççççççççççççççççççççççççççççc" bigint NOT NULL,
    CONSTRAINT "long_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" ("id", "kind", "çççççççççççççççççççççççççççççççc") SELECT "id", "kind", COALESCE("çççççççççççççççççççççççççççççççc", 0) FROM "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt";

DROP TABLE "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt";

ALTER TABLE "_migrate_new_ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" RENAME TO "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt";
