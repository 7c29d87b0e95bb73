ALTER TABLE "orders" RENAME TO "purchases";

ALTER TABLE "purchases" RENAME CONSTRAINT "purchases" TO "purchases_total_check";
