ALTER TABLE "tokens" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;

ALTER TABLE "tokens" DROP COLUMN "legacy";
