ALTER TABLE "posts" DROP CONSTRAINT IF EXISTS "posts_room_day_key";

ALTER TABLE "posts" ALTER COLUMN "id" SET START WITH 1000 SET INCREMENT BY 10;

-- next migration file

-- migrate:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "posts_room_day_key" ON "posts" ("room", "day") NULLS NOT DISTINCT;

ALTER TABLE "posts" ADD CONSTRAINT "posts_room_day_key" UNIQUE USING INDEX "posts_room_day_key" DEFERRABLE INITIALLY DEFERRED;

DROP INDEX CONCURRENTLY IF EXISTS "posts_slug_prefix";

CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_slug_prefix" ON "posts" ("slug" "varchar_pattern_ops", "day" DESC NULLS LAST) INCLUDE ("title");
