CREATE TABLE "_migrate_new_owners" (
    "id" integer NOT NULL,
    "email" text NOT NULL,
    CONSTRAINT "owners_pkey" PRIMARY KEY ("email")
);

INSERT INTO "_migrate_new_owners" ("id", "email") SELECT "id", "email" FROM "owners";

DROP TABLE "owners";

ALTER TABLE "_migrate_new_owners" RENAME TO "owners";

CREATE UNIQUE INDEX "owners_id_key" ON "owners" ("id");
