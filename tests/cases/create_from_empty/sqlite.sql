CREATE TABLE "owners" (
    "id" uuid text NOT NULL,
    "email" text NOT NULL,
    CONSTRAINT "owners_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "owners_email_key" ON "owners" ("email");

CREATE TABLE "pets" (
    "id" uuid text NOT NULL,
    "owner_id" uuid text NOT NULL,
    "type" "pet_type text" NOT NULL CHECK ("type" IN ('CAT', 'DOG', 'GUINEA PIG')),
    "name" text NOT NULL,
    "nickname" text,
    "weight" integer,
    "born" date text,
    "created_at" timestamptz text NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "pets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners" ("id") ON DELETE CASCADE,
    CONSTRAINT "pets_weight_positive" CHECK (weight > 0)
);

CREATE INDEX "pets_name_idx" ON "pets" ("name");
