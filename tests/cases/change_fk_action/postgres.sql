ALTER TABLE "pets" DROP CONSTRAINT "pets_owner_id_fkey";

-- next migration file

-- migrate:no-transaction
ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_owner_id_fkey";

ALTER TABLE "pets" ADD CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_owner_id_fkey";
