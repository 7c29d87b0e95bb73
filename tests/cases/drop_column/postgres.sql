ALTER TABLE "pets" DROP COLUMN "nickname";
