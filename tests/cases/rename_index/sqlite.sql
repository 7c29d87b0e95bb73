DROP INDEX "pets_name_idx";

CREATE INDEX "pets_by_name" ON "pets" ("name");
