ALTER TABLE "pets" ADD COLUMN "bio" text;

COMMENT ON COLUMN "pets"."bio" IS 'About the pet.';
