CREATE TABLE "_migrate_new_codes" (
    "code" "code_kind text" NOT NULL CHECK ("code" IN ('a', 'b')),
    CONSTRAINT "code_not_empty" CHECK (length(code) > 0)
);

INSERT INTO "_migrate_new_codes" ("code") SELECT "code" FROM "codes";

DROP TABLE "codes";

ALTER TABLE "_migrate_new_codes" RENAME TO "codes";

CREATE TABLE "_migrate_new_shirts" (
    "id" integer NOT NULL,
    "size" "size text" NOT NULL CHECK ("size" IN ('small', 'large', 'medium')),
    CONSTRAINT "shirts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "no_large" CHECK (size <> 'large')
);

INSERT INTO "_migrate_new_shirts" ("id", "size") SELECT "id", "size" FROM "shirts";

DROP TABLE "shirts";

ALTER TABLE "_migrate_new_shirts" RENAME TO "shirts";

CREATE INDEX "shirts_id_idx" ON "shirts" ("id") WHERE size <> 'small';
