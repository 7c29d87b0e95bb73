CREATE TABLE "_migrate_new_it's ""x"" $migrate$ 100%" (
    "the id" bigint NOT NULL,
    "name" text NOT NULL,
    "n'o ""$" bigint NOT NULL,
    "tag %s" text NOT NULL,
    CONSTRAINT "it's ""x"" $migrate$ 100%_pkey" PRIMARY KEY ("the id")
);

INSERT INTO "_migrate_new_it's ""x"" $migrate$ 100%" ("the id", "name", "n'o ""$", "tag %s") SELECT "the id", "name", rowid, 'it''s %s' FROM "it's ""x"" $migrate$ 100%";

DROP TABLE "it's ""x"" $migrate$ 100%";

ALTER TABLE "_migrate_new_it's ""x"" $migrate$ 100%" RENAME TO "it's ""x"" $migrate$ 100%";
