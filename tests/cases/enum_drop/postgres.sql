DROP TYPE "color";
