-- migrate:no-transaction
ALTER TABLE "pets" DROP CONSTRAINT IF EXISTS "pets_name_not_blank";

ALTER TABLE "pets" ADD CONSTRAINT "pets_name_not_blank" CHECK (length(name) > 0) NOT VALID;

ALTER TABLE "pets" VALIDATE CONSTRAINT "pets_name_not_blank";
