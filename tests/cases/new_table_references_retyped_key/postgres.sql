CREATE TABLE "reviews" (
    "id" integer NOT NULL,
    "sku" numeric NOT NULL,
    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "products" ALTER COLUMN "sku" TYPE numeric USING "sku"::numeric;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "reviews" DROP CONSTRAINT IF EXISTS "reviews_sku_fkey";

ALTER TABLE "reviews" ADD CONSTRAINT "reviews_sku_fkey" FOREIGN KEY ("sku") REFERENCES "products" ("sku") NOT VALID;

ALTER TABLE "reviews" VALIDATE CONSTRAINT "reviews_sku_fkey";
