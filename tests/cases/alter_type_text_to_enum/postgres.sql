CREATE TYPE "mood" AS ENUM ('a', 'calm', 'grumpy');

ALTER TABLE "pets" ALTER COLUMN "mood" TYPE "mood" USING "mood"::"mood";
