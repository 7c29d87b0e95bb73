CREATE TABLE "reviews" (
    "id" integer NOT NULL,
    "sku" numeric NOT NULL,
    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "reviews_sku_fkey" FOREIGN KEY ("sku") REFERENCES "products" ("sku")
);

CREATE TABLE "_migrate_new_products" (
    "sku" numeric NOT NULL,
    CONSTRAINT "products_pkey" PRIMARY KEY ("sku")
);

INSERT INTO "_migrate_new_products" ("sku") SELECT "sku" FROM "products";

DROP TABLE "products";

ALTER TABLE "_migrate_new_products" RENAME TO "products";
