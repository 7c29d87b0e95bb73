ALTER TABLE "pets" ADD COLUMN "legs" smallint NOT NULL DEFAULT 4;

ALTER TABLE "pets" ADD COLUMN "status" text NOT NULL DEFAULT 'active';
