CREATE INDEX "pets_owner_id_born_idx" ON "pets" ("owner_id", "born");

CREATE UNIQUE INDEX "pets_nickname_live_key" ON "pets" ("nickname") WHERE nickname IS NOT NULL;
