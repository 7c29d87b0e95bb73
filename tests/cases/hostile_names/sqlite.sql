CREATE TABLE "user" (
    "id" integer NOT NULL,
    "select" "select text" NOT NULL DEFAULT 'it''s' CHECK ("select" IN ('it''s', 'a "quote"')),
    "my col" text,
    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "my""table" (
    "order" integer NOT NULL,
    "user_id" integer NOT NULL,
    CONSTRAINT "my""table_pkey" PRIMARY KEY ("order"),
    CONSTRAINT "my""table_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id")
);

CREATE INDEX "my""table_user_id_idx" ON "my""table" ("user_id");
