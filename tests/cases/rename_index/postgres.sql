ALTER INDEX "pets_name_idx" RENAME TO "pets_by_name";
