ALTER TYPE "pet_type" RENAME TO "pet_type__old";

CREATE TYPE "pet_type" AS ENUM ('CAT', 'DOG');

ALTER TABLE "pets" ALTER COLUMN "type" TYPE "pet_type" USING "type"::text::"pet_type";

COMMENT ON TYPE "pet_type" IS 'Kinds of pet.';

DROP TYPE "pet_type__old";
