ALTER TABLE "visits" DROP CONSTRAINT "visits_pet_id_fkey";

DROP TABLE "visits";
