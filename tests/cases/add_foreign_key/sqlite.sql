CREATE TABLE "_migrate_new_visits" (
    "id" uuid text NOT NULL,
    "pet_id" uuid text NOT NULL,
    CONSTRAINT "visits_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "visits_pet_fkey" FOREIGN KEY ("pet_id") REFERENCES "pets" ("id")
);

INSERT INTO "_migrate_new_visits" ("id", "pet_id") SELECT "id", "pet_id" FROM "visits";

DROP TABLE "visits";

ALTER TABLE "_migrate_new_visits" RENAME TO "visits";
