DROP INDEX "users";

ALTER TABLE "user" RENAME TO "users";

CREATE TABLE "_migrate_new_users" (
    "id" integer NOT NULL,
    "email" text,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_users" ("id", "email") SELECT "id", "email" FROM "users";

DROP TABLE "users";

ALTER TABLE "_migrate_new_users" RENAME TO "users";

CREATE UNIQUE INDEX "users_email_key" ON "users" ("email");
