ALTER TABLE "pets" ALTER COLUMN "weight" TYPE bigint USING "weight"::bigint;
