DROP INDEX "accounts_rank_idx";

CREATE INDEX "accounts_rank_idx" ON "accounts" ("rank" DESC);

CREATE UNIQUE INDEX "accounts_email_lower" ON "accounts" ((lower(email)));

CREATE UNIQUE INDEX "accounts_list_id_rank_key" ON "accounts" ("list_id", "rank");
