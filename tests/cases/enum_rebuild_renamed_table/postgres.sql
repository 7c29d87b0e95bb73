ALTER TABLE "posts" RENAME TO "articles";

ALTER TABLE "articles" RENAME COLUMN "status" TO "state";

ALTER TABLE "articles" RENAME CONSTRAINT "posts_pkey" TO "articles_pkey";

ALTER TYPE "status" RENAME TO "status__old";

CREATE TYPE "status" AS ENUM ('draft', 'published');

ALTER TABLE "articles" ALTER COLUMN "state" DROP DEFAULT;

ALTER TABLE "articles" ALTER COLUMN "state" TYPE "status" USING "state"::text::"status";

ALTER TABLE "articles" ALTER COLUMN "state" SET DEFAULT 'published';

ALTER TABLE "articles" ALTER COLUMN "state" SET DEFAULT 'published';

DROP TYPE "status__old";
