CREATE TABLE "_migrate_new_pets" (
    "id" uuid text NOT NULL,
    "owner_id" uuid text NOT NULL,
    "type" "pet_type text" NOT NULL CHECK ("type" IN ('CAT', 'DOG', 'GUINEA PIG')),
    "name" text NOT NULL,
    "nickname" text NOT NULL,
    "weight" integer,
    "born" date text,
    "created_at" timestamptz text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "pets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON DELETE CASCADE,
    CONSTRAINT "pets_weight_positive" CHECK (weight > 0)
);

INSERT INTO "_migrate_new_pets" ("id", "owner_id", "type", "name", "nickname", "weight", "born", "created_at") SELECT "id", "owner_id", "type", "name", COALESCE("nickname", (name)), "weight", "born", "created_at" FROM "pets";

DROP TABLE "pets";

ALTER TABLE "_migrate_new_pets" RENAME TO "pets";

CREATE INDEX "pets_name_idx" ON "pets" ("name");
