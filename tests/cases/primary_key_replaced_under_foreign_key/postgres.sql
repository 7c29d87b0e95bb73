ALTER TABLE "pets" DROP CONSTRAINT "pets_owner_id_fkey";

ALTER TABLE "owners" DROP CONSTRAINT "owners_pkey";

DROP INDEX "owners_email_key";

ALTER TABLE "owners" ADD CONSTRAINT "owners_pkey" PRIMARY KEY ("email");

-- next migration file

-- migrate:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY "owners_id_key" ON "owners" ("id");

ALTER TABLE "pets" ADD CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") NOT VALID;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_owner_id_fkey";
