CREATE TABLE "_migrate_new_t" (
    "a" integer NOT NULL,
    "b" integer NOT NULL,
    CONSTRAINT "t_a_positive" CHECK (b > 0),
    CONSTRAINT "t_b_positive" CHECK (a > 0)
);

INSERT INTO "_migrate_new_t" ("a", "b") SELECT "a", "b" FROM "t";

DROP TABLE "t";

ALTER TABLE "_migrate_new_t" RENAME TO "t";
