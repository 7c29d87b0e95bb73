-- migrate:no-transaction
ALTER TABLE "visits" DROP CONSTRAINT IF EXISTS "visits_pet_fkey";

ALTER TABLE "visits" ADD CONSTRAINT "visits_pet_fkey" FOREIGN KEY ("pet_id") REFERENCES "pets" ("id") NOT VALID;

ALTER TABLE "visits" VALIDATE CONSTRAINT "visits_pet_fkey";
