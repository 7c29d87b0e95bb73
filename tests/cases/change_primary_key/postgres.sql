ALTER TABLE "tags" DROP CONSTRAINT "tags_pkey";

ALTER TABLE "tags" ADD CONSTRAINT "tags_pkey" PRIMARY KEY ("pet", "name");
