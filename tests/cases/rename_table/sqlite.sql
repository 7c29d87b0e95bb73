ALTER TABLE "pets" RENAME TO "animals";

CREATE TABLE "_migrate_new_animals" (
    "id" uuid text NOT NULL,
    "owner_id" uuid text NOT NULL,
    "type" "pet_type text" NOT NULL CHECK ("type" IN ('CAT', 'DOG', 'GUINEA PIG')),
    "name" text NOT NULL,
    "nickname" text,
    "weight" integer,
    "born" date text,
    "created_at" timestamptz text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "animals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "animals_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON DELETE CASCADE,
    CONSTRAINT "animals_weight_positive" CHECK (weight > 0)
);

INSERT INTO "_migrate_new_animals" ("id", "owner_id", "type", "name", "nickname", "weight", "born", "created_at") SELECT "id", "owner_id", "type", "name", "nickname", "weight", "born", "created_at" FROM "animals";

DROP TABLE "animals";

ALTER TABLE "_migrate_new_animals" RENAME TO "animals";

CREATE INDEX "animals_name_idx" ON "animals" ("name");
