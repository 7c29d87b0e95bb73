CREATE TYPE "pet_type" AS ENUM ('CAT', 'DOG', 'GUINEA PIG');

COMMENT ON TYPE "pet_type" IS 'Kinds of pet.';

CREATE TABLE "owners" (
    "id" uuid NOT NULL,
    "email" text NOT NULL,
    CONSTRAINT "owners_pkey" PRIMARY KEY ("id")
);

COMMENT ON TABLE "owners" IS 'People who own pets.';

COMMENT ON COLUMN "owners"."email" IS 'Where to reach them.';

CREATE UNIQUE INDEX "owners_email_key" ON "owners" ("email");

CREATE TABLE "pets" (
    "id" uuid NOT NULL,
    "owner_id" uuid NOT NULL,
    "type" "pet_type" NOT NULL,
    "name" text NOT NULL,
    "nickname" text,
    "weight" integer,
    "born" date,
    "created_at" timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT "pets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON DELETE CASCADE,
    CONSTRAINT "pets_weight_positive" CHECK (weight > 0)
);

COMMENT ON TABLE "pets" IS 'Store pets and their details.';

COMMENT ON COLUMN "pets"."type" IS 'The type of pet.';

CREATE INDEX "pets_name_idx" ON "pets" ("name");
