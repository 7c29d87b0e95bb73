CREATE TABLE "uses" (
    "code" text NOT NULL,
    CONSTRAINT "uses_code_fkey" FOREIGN KEY ("code") REFERENCES "codes" ("code")
);
