ALTER INDEX "users" RENAME TO "users_email_key";

ALTER TABLE "user" RENAME TO "users";

ALTER TABLE "users" RENAME CONSTRAINT "user_pkey" TO "users_pkey";

ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;
