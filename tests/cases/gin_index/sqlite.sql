CREATE INDEX "pets_traits_idx" ON "pets" ("traits");
