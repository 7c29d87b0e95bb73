ALTER TABLE "pets" DROP CONSTRAINT "pets_parent_id_fkey";

ALTER TABLE "pets" DROP CONSTRAINT "pets_pkey";

ALTER TABLE "pets" DROP CONSTRAINT "weight_positive";

ALTER TABLE "pets" RENAME TO "animals";

ALTER TABLE "animals" ADD CONSTRAINT "animals_pkey" PRIMARY KEY ("id", "weight");
