ALTER TABLE "pets" RENAME TO "animals";

ALTER TABLE "animals" RENAME CONSTRAINT "pets_pkey" TO "animals_pkey";

ALTER INDEX "pets_name_idx" RENAME TO "animals_name_idx";

ALTER TABLE "animals" RENAME CONSTRAINT "pets_weight_positive" TO "animals_weight_positive";

ALTER TABLE "animals" RENAME CONSTRAINT "pets_owner_id_fkey" TO "animals_owner_id_fkey";
