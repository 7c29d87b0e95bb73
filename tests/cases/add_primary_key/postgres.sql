ALTER TABLE "tags" ADD CONSTRAINT "tags_pkey" PRIMARY KEY ("pet", "name");
