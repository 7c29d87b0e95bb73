-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "owners_pkey_new";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "owners_pkey_new" ON "owners" ("email");

-- next migration file

ALTER TABLE "pets" DROP CONSTRAINT "pets_owner_id_fkey";

ALTER TABLE "owners" DROP CONSTRAINT "owners_pkey";

ALTER TABLE "owners" ADD CONSTRAINT "owners_pkey" PRIMARY KEY USING INDEX "owners_pkey_new";

-- next migration file

-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS "owners_email_key";

DROP INDEX CONCURRENTLY IF EXISTS "owners_id_key";

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "owners_id_key" ON "owners" ("id");

ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_owner_id_fkey";

ALTER TABLE "pets" ADD CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") NOT VALID;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_owner_id_fkey";
