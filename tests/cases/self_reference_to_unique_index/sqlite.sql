CREATE TABLE "categories" (
    "id" integer NOT NULL,
    "slug" text NOT NULL,
    "parent_slug" text,
    CONSTRAINT "categories_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "categories_parent_slug_fkey" FOREIGN KEY ("parent_slug") REFERENCES "categories" ("slug")
);

CREATE UNIQUE INDEX "categories_slug_key" ON "categories" ("slug");
