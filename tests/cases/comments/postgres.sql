COMMENT ON TYPE "pet_type" IS 'What kind of animal.';

COMMENT ON COLUMN "pets"."type" IS NULL;

COMMENT ON COLUMN "pets"."name" IS 'The official name.';

COMMENT ON TABLE "pets" IS 'Every pet the registry knows.';
