DROP TABLE "visits";
