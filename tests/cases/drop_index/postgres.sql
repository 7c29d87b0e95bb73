DROP INDEX "pets_name_idx";
