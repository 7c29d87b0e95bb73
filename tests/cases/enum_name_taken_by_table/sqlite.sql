CREATE TABLE "status" (
    "name" text NOT NULL,
    CONSTRAINT "status_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "_migrate_new_jobs" (
    "id" integer NOT NULL,
    "state" text NOT NULL DEFAULT 'queued',
    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

INSERT INTO "_migrate_new_jobs" ("id", "state") SELECT "id", "state" FROM "jobs";

DROP TABLE "jobs";

ALTER TABLE "_migrate_new_jobs" RENAME TO "jobs";
