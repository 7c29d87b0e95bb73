-- migrate:no-transaction
CREATE INDEX CONCURRENTLY "pets_owner_id_born_idx" ON "pets" ("owner_id", "born");

CREATE UNIQUE INDEX CONCURRENTLY "pets_nickname_live_key" ON "pets" ("nickname") WHERE nickname IS NOT NULL;
