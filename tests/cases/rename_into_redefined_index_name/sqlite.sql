DROP INDEX "pets_name_idx";

DROP INDEX "pets_by_name";

CREATE UNIQUE INDEX "pets_by_name" ON "pets" ("name", "born");

CREATE INDEX "pets_name_idx" ON "pets" ("name");
