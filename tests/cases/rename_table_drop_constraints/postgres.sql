-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "animals_pkey";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "animals_pkey" ON "pets" ("id", "weight");

-- next migration file

ALTER TABLE "pets" DROP CONSTRAINT "pets_parent_id_fkey";

ALTER TABLE "pets" DROP CONSTRAINT "pets_pkey";

ALTER TABLE "pets" DROP CONSTRAINT "weight_positive";

ALTER TABLE "pets" RENAME TO "animals";

ALTER TABLE "animals" ADD CONSTRAINT "animals_pkey" PRIMARY KEY USING INDEX "animals_pkey";
