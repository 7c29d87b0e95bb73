ALTER TABLE "pets" ADD COLUMN "legs" smallint DEFAULT 4 NOT NULL;

ALTER TABLE "pets" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;
