ALTER TABLE "pets" RENAME COLUMN "nickname" TO "call_name";
