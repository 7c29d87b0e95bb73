CREATE TABLE "_migrate_new_shirts" (
    "id" integer NOT NULL,
    "size" "size text" NOT NULL CHECK ("size" IN ('small', 'large')),
    CONSTRAINT "shirts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "shirts_size_fkey" FOREIGN KEY ("size") REFERENCES "sizes" ("size")
);

INSERT INTO "_migrate_new_shirts" ("id", "size") SELECT "id", "size" FROM "shirts";

DROP TABLE "shirts";

ALTER TABLE "_migrate_new_shirts" RENAME TO "shirts";

CREATE TABLE "_migrate_new_sizes" (
    "size" "size text" NOT NULL CHECK ("size" IN ('small', 'large')),
    CONSTRAINT "sizes_pkey" PRIMARY KEY ("size")
);

INSERT INTO "_migrate_new_sizes" ("size") SELECT "size" FROM "sizes";

DROP TABLE "sizes";

ALTER TABLE "_migrate_new_sizes" RENAME TO "sizes";
