ALTER TABLE "it's ""x"" $migrate$ 100%" ADD COLUMN "n'o ""$" bigint;

CREATE SEQUENCE "it's ""x"" $migrate$ 100%_n'o ""$_fill" AS bigint OWNED BY "it's ""x"" $migrate$ 100%"."n'o ""$";

ALTER TABLE "it's ""x"" $migrate$ 100%" ALTER COLUMN "n'o ""$" SET DEFAULT nextval('"it''s ""x"" $migrate$ 100%_n''o ""$_fill"');

ALTER TABLE "it's ""x"" $migrate$ 100%" ADD COLUMN "tag %s" text;

-- next migration file

-- migrate:batch table="it's ""x"" $migrate$ 100%"
UPDATE "it's ""x"" $migrate$ 100%" SET "n'o ""$" = nextval('"it''s ""x"" $migrate$ 100%_n''o ""$_fill"') WHERE "n'o ""$" IS NULL AND :batch;

-- next migration file

-- migrate:batch table="it's ""x"" $migrate$ 100%"
UPDATE "it's ""x"" $migrate$ 100%" SET "tag %s" = 'it''s %s' WHERE "tag %s" IS NULL AND :batch;

-- next migration file

-- migrate:no-transaction
ALTER TABLE "it's ""x"" $migrate$ 100%" DROP CONSTRAINT IF EXISTS "it's ""x"" $migrate$ 100%_n'o ""$_not_null";

ALTER TABLE "it's ""x"" $migrate$ 100%" ADD CONSTRAINT "it's ""x"" $migrate$ 100%_n'o ""$_not_null" CHECK ("n'o ""$" IS NOT NULL) NOT VALID;

UPDATE "it's ""x"" $migrate$ 100%" SET "n'o ""$" = nextval(to_regclass('"it''s ""x"" $migrate$ 100%_n''o ""$_fill"')) WHERE "n'o ""$" IS NULL;

ALTER TABLE "it's ""x"" $migrate$ 100%" VALIDATE CONSTRAINT "it's ""x"" $migrate$ 100%_n'o ""$_not_null";

ALTER TABLE "it's ""x"" $migrate$ 100%" ALTER COLUMN "n'o ""$" SET NOT NULL;

ALTER TABLE "it's ""x"" $migrate$ 100%" DROP CONSTRAINT IF EXISTS "it's ""x"" $migrate$ 100%_n'o ""$_not_null";

DO $migrate_1$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = '"it''s ""x"" $migrate$ 100%"'::regclass AND attname = 'n''o "$' AND attidentity <> '') THEN
        ALTER TABLE "it's ""x"" $migrate$ 100%" ALTER COLUMN "n'o ""$" DROP DEFAULT;
        EXECUTE 'ALTER TABLE "it''s ""x"" $migrate$ 100%" ALTER COLUMN "n''o ""$" ADD GENERATED ALWAYS AS IDENTITY (START WITH ' || (SELECT last_value + 1 FROM "it's ""x"" $migrate$ 100%_n'o ""$_fill") || ')';
    END IF;
END
$migrate_1$;

DROP SEQUENCE IF EXISTS "it's ""x"" $migrate$ 100%_n'o ""$_fill";

ALTER TABLE "it's ""x"" $migrate$ 100%" DROP CONSTRAINT IF EXISTS "it's ""x"" $migrate$ 100%_tag %s_not_null";

ALTER TABLE "it's ""x"" $migrate$ 100%" ADD CONSTRAINT "it's ""x"" $migrate$ 100%_tag %s_not_null" CHECK ("tag %s" IS NOT NULL) NOT VALID;

UPDATE "it's ""x"" $migrate$ 100%" SET "tag %s" = 'it''s %s' WHERE "tag %s" IS NULL;

ALTER TABLE "it's ""x"" $migrate$ 100%" VALIDATE CONSTRAINT "it's ""x"" $migrate$ 100%_tag %s_not_null";

ALTER TABLE "it's ""x"" $migrate$ 100%" ALTER COLUMN "tag %s" SET NOT NULL;

ALTER TABLE "it's ""x"" $migrate$ 100%" DROP CONSTRAINT IF EXISTS "it's ""x"" $migrate$ 100%_tag %s_not_null";
