ALTER TABLE "pets" DROP CONSTRAINT "pets_weight_positive";
