CREATE TABLE "_migrate_new_tokens" (
    "version" integer NOT NULL DEFAULT 0
);

INSERT INTO "_migrate_new_tokens" ("version") SELECT 0 FROM "tokens";

DROP TABLE "tokens";

ALTER TABLE "_migrate_new_tokens" RENAME TO "tokens";
