ALTER TABLE "pets" ADD COLUMN "bio" text;
