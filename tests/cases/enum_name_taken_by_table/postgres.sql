ALTER TYPE "status" RENAME TO "status__old";

CREATE TABLE "status" (
    "name" text NOT NULL,
    CONSTRAINT "status_pkey" PRIMARY KEY ("name")
);

ALTER TABLE "jobs" ALTER COLUMN "state" DROP DEFAULT;

ALTER TABLE "jobs" ALTER COLUMN "state" TYPE text USING "state"::text;

ALTER TABLE "jobs" ALTER COLUMN "state" SET DEFAULT 'queued';

DROP TYPE "status__old";
