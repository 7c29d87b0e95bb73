ALTER TABLE "pets" RENAME TO "animals";

CREATE TABLE "_migrate_new_animals" (
    "id" integer NOT NULL,
    "parent_id" integer,
    "weight" integer NOT NULL,
    CONSTRAINT "animals_pkey" PRIMARY KEY ("id", "weight")
);

INSERT INTO "_migrate_new_animals" ("id", "parent_id", "weight") SELECT "id", "parent_id", "weight" FROM "animals";

DROP TABLE "animals";

ALTER TABLE "_migrate_new_animals" RENAME TO "animals";
